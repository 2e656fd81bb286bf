import { createHash } from 'node:crypto';
import { uploadError } from '../shared/upload-error.js';
import type { SharedStore } from './store/shared-store.js';

/** How long the first answer to a key is kept: 24 hours. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** An answer as kept for a key: replayed byte for byte to every retry. */
export interface KeptAnswer {
  status: number;
  body: unknown;
}

/** What {@link once} needs to know. */
export interface OnceOptions {
  store: SharedStore;
  /** The key's place in the store: the location and a hash of the client's key. */
  scope: string;
  /** A hash of the request's body: the same key with another body is 422 `idempotency-key-reused`. */
  bodyHash: string;
  /**
   * The longest the first request with a key may take (a bound on the lock), in ms: a request
   * with the same key waits for its answer this long at most, then gets 409 `send-in-progress`.
   */
  maxRunMs: number;
  /** How often a waiting request looks for the first one's answer, in ms. Default: 100. */
  pollMs?: number;
}

type Record = { hash: string; state: 'running' } | { hash: string; state: 'done'; answer: KeptAnswer };

/** A key's place in the store, from the location and the client's key (hashed: it is the client's to write). */
export function idempotencyScope(locationId: string, key: string): string {
  return `send:${locationId}:${createHash('sha256').update(key).digest('base64url')}`;
}

/** A stable hash of a normalized body. */
export function hashBody(body: unknown): string {
  return createHash('sha256').update(JSON.stringify(body)).digest('base64url');
}

/**
 * Runs `work` once per key across every instance sharing `store`. The first request takes the
 * key's lock and marks it running; when `work` answers, the answer is kept 24 h and every later
 * request with the key gets it without `work` running again. A request that comes while the
 * first is running waits for its answer. A `work` that throws keeps nothing (the key is free
 * again, so a retry runs it anew): it is for failures where nothing was done, or where the
 * outcome is not known.
 *
 * Resolves with the answer and whether it was replayed.
 */
export async function once(options: OnceOptions, work: () => Promise<KeptAnswer>): Promise<{ answer: KeptAnswer; replayed: boolean }> {
  const { store, scope, bodyHash, maxRunMs } = options;
  const pollMs = options.pollMs ?? 100;
  const lockKey = `${scope}:lock`;
  const deadline = Date.now() + maxRunMs;
  for (;;) {
    const kept = read(await store.get(scope));
    if (kept && kept.hash !== bodyHash) throw uploadError('idempotency-key-reused');
    if (kept?.state === 'done') return { answer: kept.answer, replayed: true };
    const owner = kept ? undefined : await store.tryLock(lockKey, maxRunMs);
    if (owner) return { answer: await runOwned(store, scope, lockKey, owner, bodyHash, maxRunMs, work), replayed: false };
    if (Date.now() >= deadline) {
      const seconds = Math.max(1, Math.ceil(pollMs / 1000));
      throw uploadError('send-in-progress', { values: { seconds }, details: { retryAfter: seconds } });
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

async function runOwned(
  store: SharedStore,
  scope: string,
  lockKey: string,
  owner: string,
  bodyHash: string,
  maxRunMs: number,
  work: () => Promise<KeptAnswer>,
): Promise<KeptAnswer> {
  try {
    // Another request may have finished between the read and the lock: its answer stands.
    const kept = read(await store.get(scope));
    if (kept?.state === 'done') {
      if (kept.hash !== bodyHash) throw uploadError('idempotency-key-reused');
      return kept.answer;
    }
    // Marked running, with the body's hash, so that a retry with another body is told at once.
    await store.set(scope, JSON.stringify({ hash: bodyHash, state: 'running' } satisfies Record), maxRunMs);
    let answer: KeptAnswer;
    try {
      answer = await work();
    } catch (error) {
      await store.delete(scope).catch(() => undefined);
      throw error;
    }
    await store.set(scope, JSON.stringify({ hash: bodyHash, state: 'done', answer } satisfies Record), IDEMPOTENCY_TTL_MS);
    return answer;
  } finally {
    await store.unlock(lockKey, owner).catch(() => undefined);
  }
}

/** The key's record, or `undefined` for none: nothing stored, or what no instance writes. */
function read(value: string | undefined): Record | undefined {
  let record: Partial<Record> | null;
  try {
    // Stryker disable BlockStatement: an empty catch leaves the record undefined, which reads as none too
    record = JSON.parse(value ?? 'null') as Partial<Record> | null;
  } catch {
    // Stryker restore BlockStatement
    return undefined;
  }
  return typeof record?.hash === 'string' && (record.state === 'running' || record.state === 'done') ? (record as Record) : undefined;
}
