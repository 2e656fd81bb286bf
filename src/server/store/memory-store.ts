import { randomUUID } from 'node:crypto';
import type { SharedStore, SlotLimits, SlotReservation } from './shared-store.js';

/**
 * The shared state of one process, in memory: right for a single instance (and the default).
 * Several instances each with their own memory store do not agree on anything: use
 * `redisStore()` for them.
 */
export function memoryStore(options: { now?: () => number } = {}): SharedStore {
  const now = options.now ?? Date.now;
  const values = new Map<string, string>();
  // When each value with a time to live stops being there.
  const expiries = new Map<string, number>();
  const locks = new Map<string, { owner: string; until: number }>();
  // Reserved moments per key, in ascending order (reservations only ever append at the end).
  const windows = new Map<string, number[]>();

  return {
    async get(key) {
      if ((expiries.get(key) ?? Infinity) <= now()) {
        values.delete(key);
        expiries.delete(key);
      }
      return values.get(key);
    },
    async set(key, value, ttlMs) {
      values.set(key, value);
      if (ttlMs === undefined) expiries.delete(key);
      else expiries.set(key, now() + ttlMs);
    },
    async delete(key) {
      values.delete(key);
      expiries.delete(key);
    },
    async tryLock(key, ttlMs) {
      const held = locks.get(key);
      if (held && held.until > now()) return undefined;
      const owner = randomUUID();
      locks.set(key, { owner, until: now() + ttlMs });
      return owner;
    },
    async unlock(key, owner) {
      if (locks.get(key)?.owner === owner) locks.delete(key);
    },
    async reserveSlot(key, limits) {
      return reserve(windows, key, limits, now());
    },
    async close() {
      values.clear();
      expiries.clear();
      locks.clear();
      windows.clear();
    },
  };
}

/**
 * The earliest moment `at` ≥ now such that every window of `intervalMs` holding `at` has at most
 * `max` reservations: with the reservations s₁ ≤ … ≤ sₙ still in a window, `at` is the latest of
 * now, sₙ (first come, first served) and s₍ₙ₋ₘₐₓ₊₁₎ + intervalMs (the oldest reservation that
 * must leave the window first). The same arithmetic runs in Redis as a script (redis-store.ts).
 */
function reserve(windows: Map<string, number[]>, key: string, limits: SlotLimits, now: number): SlotReservation {
  // Stryker disable next-line MethodExpression,ArrayDeclaration,ConditionalExpression,EqualityOperator: same answers
  const times = (windows.get(key) ?? []).filter((time) => time > now - limits.intervalMs);
  let at = now;
  if (times.length > 0) at = Math.max(at, times.at(-1)!);
  if (times.length >= limits.max) at = Math.max(at, times[times.length - limits.max]! + limits.intervalMs);
  const waitMs = at - now;
  if (waitMs > limits.maxWaitMs) {
    windows.set(key, times);
    return { granted: false, waitMs };
  }
  times.push(at);
  windows.set(key, times);
  return { granted: true, waitMs };
}
