import { createHash, randomUUID } from 'node:crypto';
import type { Redis as IORedis } from 'ioredis';
import { uploadError } from '../../shared/upload-error.js';
import { MAX_TIMER_MS, wholeNumberOption } from '../../shared/check-option.js';
import { resolveLogger, type Logger, type ResolvedLogger } from '../logger.js';
import type { SharedStore, SlotLimits, SlotReservation } from './shared-store.js';

/**
 * What the store needs of a Redis client: the few commands it sends. An `ioredis` client fits;
 * so does anything else with the same calls.
 */
export interface RedisClientLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
  set(key: string, value: string, px: 'PX', milliseconds: number): Promise<unknown>;
  set(key: string, value: string, px: 'PX', milliseconds: number, nx: 'NX'): Promise<unknown>;
  del(key: string): Promise<number>;
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  evalsha(sha: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
  quit(): Promise<unknown>;
}

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /** `redis://[:password@]host:port[/db]` (or `rediss://` for TLS). Required unless `client` is given. */
  url?: string;
  /** A client of your own (an `ioredis` instance); then `url` is not used and `close()` does not quit it. */
  client?: RedisClientLike;
  /** Prefix of every key. Default: `ghl-attachments:`. */
  prefix?: string;
  /**
   * How long a command may take before the request fails with 503 `store-unavailable`, in ms.
   * Default: 2,000.
   */
  commandTimeoutMs?: number;
  /** Where its warnings and errors go. Default: `console`; `{}` for silence. */
  logger?: Logger;
}

// Releases the lock only for the owner that took it: an expired lock another instance has taken
// since must not be freed by the first.
const UNLOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

// The reservation of memory-store.ts, atomically, on Redis's own clock (the instances' clocks
// may disagree; Redis's is one). Reservations are members of a sorted set scored by their moment.
const RESERVE = `
local max = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local maxWait = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - interval)
local n = redis.call('ZCARD', KEYS[1])
local at = now
if n > 0 then
  local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
  at = math.max(at, tonumber(last[2]))
end
if n >= max then
  local oldest = redis.call('ZRANGE', KEYS[1], n - max, n - max, 'WITHSCORES')
  at = math.max(at, tonumber(oldest[2]) + interval)
end
local wait = at - now
if wait > maxWait then return {0, wait} end
redis.call('ZADD', KEYS[1], at, ARGV[4])
redis.call('PEXPIRE', KEYS[1], wait + interval)
return {1, wait}
`;

const sha1 = (script: string) => createHash('sha1').update(script).digest('hex');

/**
 * The shared state in Redis, for several instances of the BFF: values are plain keys, locks are
 * `SET NX PX` with an owner id released by a script, and rate windows are sorted sets updated by
 * a script on Redis's clock. Commands are never queued while Redis is away and each has a
 * deadline: when Redis is down or stalls, requests fail at once with 503 `store-unavailable`
 * instead of hanging, and work again as soon as it is back (the client reconnects by itself).
 *
 * With `url`, the `ioredis` package is loaded (an optional peer dependency: `npm install
 * ioredis`) and the first connection is awaited, so a wrong URL fails at start-up.
 */
export async function redisStore(options: RedisStoreOptions): Promise<SharedStore> {
  const prefix = options.prefix ?? 'ghl-attachments:';
  const timeoutMs = wholeNumberOption('redisStore', 'commandTimeoutMs', options.commandTimeoutMs, 2000, 1, MAX_TIMER_MS);
  const logger = resolveLogger(options.logger, 'redisStore');
  const own = options.client === undefined;
  const client = options.client ?? (await connect(options, timeoutMs, logger));

  async function run<T>(what: () => Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      // ioredis has its own commandTimeout; this deadline also holds for a client given to us.
      return await Promise.race([
        what(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`Redis did not answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } catch (error) {
      // Stryker disable next-line StringLiteral: a log line's text; its fields, with the reason, are asserted
      logger.warn('the shared store (Redis) failed a command', { error: String(error) });
      throw uploadError('store-unavailable', { details: { retryAfter: 5 }, cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  async function script(source: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(sha1(source), keys.length, ...keys, ...args);
    } catch (error) {
      if (!String(error).includes('NOSCRIPT')) throw error;
      return client.eval(source, keys.length, ...keys, ...args);
    }
  }

  return {
    get: (key) => run(async () => (await client.get(prefix + key)) ?? undefined),
    set: (key, value, ttlMs) =>
      run(async () => void (await (ttlMs === undefined ? client.set(prefix + key, value) : client.set(prefix + key, value, 'PX', Math.max(1, Math.round(ttlMs)))))),
    delete: (key) => run(async () => void (await client.del(prefix + key))),
    tryLock: (key, ttlMs) =>
      run(async () => {
        const owner = randomUUID();
        const taken = await client.set(prefix + key, owner, 'PX', Math.max(1, Math.round(ttlMs)), 'NX');
        return taken === 'OK' ? owner : undefined;
      }),
    unlock: (key, owner) => run(async () => void (await script(UNLOCK, [prefix + key], [owner]))),
    reserveSlot: (key, limits: SlotLimits) =>
      run(async (): Promise<SlotReservation> => {
        const answer = (await script(RESERVE, [prefix + key], [limits.max, limits.intervalMs, limits.maxWaitMs, randomUUID()])) as [
          number,
          number,
        ];
        return { granted: Number(answer[0]) === 1, waitMs: Number(answer[1]) };
      }),
    async close() {
      if (own) await client.quit().catch(() => undefined);
    },
  };
}

async function connect(options: RedisStoreOptions, timeoutMs: number, logger: ResolvedLogger): Promise<RedisClientLike> {
  if (!options.url) throw new TypeError('redisStore: pass `url` (redis://host:port) or `client`.');
  let Redis: typeof IORedis;
  try {
    ({ Redis } = await import('ioredis'));
  } catch (error) {
    throw new Error('redisStore: the `ioredis` package is needed for a Redis URL. Install it: npm install ioredis', { cause: error });
  }
  let client: IORedis;
  try {
    client = newClient(Redis, options.url, timeoutMs);
  } catch {
    // Node's URL error keeps the whole input, password included: say which URL, without it.
    throw new TypeError(`redisStore: ${redactUrl(options.url)} is not a Redis URL (redis://[:password@]host:port[/db]).`);
  }
  // Without a listener, ioredis prints every failed reconnection; one line per outage is enough.
  let down = false;
  client.on('error', (error: Error) => {
    if (down) return;
    down = true;
    logger.error('the shared store (Redis) is unreachable; uploads fail with store-unavailable until it is back', {
      error: error.message,
    });
  });
  client.on('ready', () => {
    if (down) logger.warn('the shared store (Redis) is reachable again');
    down = false;
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    throw new Error(`redisStore: cannot connect to ${redactUrl(options.url)}: ${(error as Error).message}`, { cause: error });
  }
  return client;
}

function newClient(Redis: typeof IORedis, url: string, timeoutMs: number): IORedis {
  return new Redis(url, {
    lazyConnect: true,
    // Nothing waits for Redis to come back: a command while it is away fails at once…
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // Stryker disable next-line BooleanLiteral: with maxRetriesPerRequest 0 every close flushes the queue: nothing is resent
    autoResendUnfulfilledCommands: false,
    // …and one it does not answer fails after the deadline.
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    retryStrategy: reconnectDelay,
  });
}

/**
 * How long the client waits before its `attempt`-th try to reconnect, in ms: soon after a blip
 * (100 ms, then 200 ms, …), so that uploads work again within moments of Redis being back, and
 * every second at the slowest, for as long as it takes, so that a long outage is not a storm.
 */
export function reconnectDelay(attempt: number): number {
  return Math.min(attempt * 100, 1000);
}

/** The URL without its password, for messages. */
function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the Redis URL';
  }
}
