import { createServer, connect as connectTcp, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUploadError, type UploadError } from '../../shared/upload-error.js';
import { startRedisServer, type RedisServer } from '../../testing/redis-server.js';
import type { Logger } from '../options.js';
import { memoryStore } from './memory-store.js';
import { reconnectDelay, redisStore, type RedisClientLike } from './redis-store.js';
import type { SharedStore } from './shared-store.js';

// What the two stores promise beyond shared-store.test.ts: the edges of locks and rate windows
// (the memory store on a clock the test moves, both on a real clock), and what an operator of
// the Redis store sees: its keys, its connections, its deadline, its logs in an outage.

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let keyCount = 0;
const key = (name: string) => `${name}-${++keyCount}-${Date.now()}`;
const failure = (promise: Promise<unknown>) => promise.then(() => undefined, (error: unknown) => error as UploadError);

describe.each([
  ['memory', async () => memoryStore()],
  ['redis', async () => redisStore({ url: redis.url })],
] as const)('the %s store, at the edges', (_name, make) => {
  let store: SharedStore;
  beforeAll(async () => {
    store = await make();
  });
  afterAll(() => store.close());

  it('forgets a value set with a time to live once it is up, and keeps one set again without', async () => {
    const k = key('ttl');
    await store.set(k, 'brief', 300);
    expect(await store.get(k)).toBe('brief');
    await sleep(600);
    expect(await store.get(k)).toBeUndefined();
    await store.set(k, 'short', 300);
    await store.set(k, 'for good');
    await sleep(600);
    expect(await store.get(k)).toBe('for good');
  });

  it('lets anyone call unlock on a lock nobody holds, changing nothing', async () => {
    const k = key('free');
    await expect(store.unlock(k, 'nobody')).resolves.toBeUndefined();
    const owner = await store.tryLock(k, 10_000);
    expect(owner).toBeTypeOf('string');
    await store.unlock(`${k}-other`, owner!);
    expect(await store.tryLock(k, 10_000)).toBeUndefined();
  });

  it('keeps first come, first served when the limit changes: a later request never goes before an earlier one', async () => {
    const k = key('order');
    const slow = { max: 1, intervalMs: 1000, maxWaitMs: 60_000 };
    const waits = [];
    for (let i = 0; i < 3; i += 1) waits.push((await store.reserveSlot(k, slow)).waitMs);
    expect(waits[2]).toBeGreaterThanOrEqual(2000 - 100);
    // An instance with a higher limit (a rolling deploy) queues behind them, not before.
    const next = await store.reserveSlot(k, { ...slow, max: 10 });
    expect(next.granted).toBe(true);
    expect(next.waitMs).toBeGreaterThanOrEqual(waits[2]! - 100);
  });
});

describe('the memory store on its clock', () => {
  it('frees a lock exactly when its time is up', async () => {
    let now = 5000;
    const store = memoryStore({ now: () => now });
    expect(await store.tryLock('l', 100)).toBeTypeOf('string');
    now = 5099;
    expect(await store.tryLock('l', 100)).toBeUndefined();
    now = 5100;
    expect(await store.tryLock('l', 100)).toBeTypeOf('string');
  });

  it('forgets a value exactly when its time to live is up', async () => {
    let now = 5000;
    const store = memoryStore({ now: () => now });
    await store.set('v', 'kept', 100);
    now = 5099;
    expect(await store.get('v')).toBe('kept');
    now = 5100;
    expect(await store.get('v')).toBeUndefined();
  });

  it('grants a turn exactly maxWaitMs away, and refuses one a millisecond further', async () => {
    let now = 0;
    const store = memoryStore({ now: () => now });
    const limits = { max: 1, intervalMs: 1000, maxWaitMs: 1000 };
    expect(await store.reserveSlot('w', limits)).toEqual({ granted: true, waitMs: 0 });
    expect(await store.reserveSlot('w', limits)).toEqual({ granted: true, waitMs: 1000 });
    expect(await store.reserveSlot('w', limits)).toEqual({ granted: false, waitMs: 2000 });
    // The refused one took nothing: the next gets the same moment, when it may wait that long.
    expect(await store.reserveSlot('w', { ...limits, maxWaitMs: 2000 })).toEqual({ granted: true, waitMs: 2000 });
    // A window that has passed leaves room at once.
    now = 10_000;
    expect(await store.reserveSlot('w', limits)).toEqual({ granted: true, waitMs: 0 });
  });
});

/** A client of one's own: ioredis without its own deadline, counting the scripts sent whole. */
function countingClient(url: string) {
  const redisClient = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 0 });
  const counts = { eval: 0, evalsha: 0 };
  const client: RedisClientLike & { counts: typeof counts; raw: Redis } = {
    counts,
    raw: redisClient,
    get: (k) => redisClient.get(k),
    set: ((k: string, value: string, ...rest: unknown[]) => (redisClient.set as (...args: unknown[]) => Promise<unknown>)(k, value, ...rest)) as RedisClientLike['set'],
    del: (k) => redisClient.del(k),
    eval: (script, numKeys, ...args) => {
      counts.eval += 1;
      return redisClient.eval(script, numKeys, ...args);
    },
    evalsha: (sha, numKeys, ...args) => {
      counts.evalsha += 1;
      return redisClient.evalsha(sha, numKeys, ...args);
    },
    quit: () => redisClient.quit(),
  };
  return client;
}

async function connectedClients(raw: Redis): Promise<number> {
  const info = await raw.info('clients');
  return Number(/connected_clients:(\d+)/.exec(info)![1]);
}

describe('the redis store, as an operator sees it', () => {
  let raw: Redis;
  beforeAll(() => {
    raw = new Redis(redis.url);
  });
  afterAll(() => raw.quit());

  it('keeps its keys under ghl-attachments: by default, or under the given prefix', async () => {
    const byDefault = await redisStore({ url: redis.url });
    const prefixed = await redisStore({ url: redis.url, prefix: 'tenant-a:' });
    try {
      await byDefault.set('token', 'one');
      await prefixed.set('token', 'two');
      expect(await raw.get('ghl-attachments:token')).toBe('one');
      expect(await raw.get('tenant-a:token')).toBe('two');
      expect(await byDefault.get('token')).toBe('one');
      const owner = await prefixed.tryLock('lock', 10_000);
      expect(await raw.get('tenant-a:lock')).toBe(owner);
      await prefixed.unlock('lock', owner!);
      expect(await raw.get('tenant-a:lock')).toBeNull();
      await byDefault.delete('token');
      expect(await raw.get('ghl-attachments:token')).toBeNull();
      await prefixed.reserveSlot('rate:loc', { max: 5, intervalMs: 10_000, maxWaitMs: 0 });
      expect(await raw.zcard('tenant-a:rate:loc')).toBe(1);
    } finally {
      await byDefault.close();
      await prefixed.close();
    }
  });

  it('closes the connection it opened, and leaves a client it was given open', async () => {
    const before = await connectedClients(raw);
    const own = await redisStore({ url: redis.url });
    await own.set('k', 'v');
    expect(await connectedClients(raw)).toBe(before + 1);
    await own.close();
    for (let tries = 0; tries < 50 && (await connectedClients(raw)) > before; tries += 1) await sleep(20);
    expect(await connectedClients(raw)).toBe(before);

    const given = countingClient(redis.url);
    const store = await redisStore({ client: given });
    await store.set('k', 'given');
    await store.close();
    expect(await given.get('ghl-attachments:k')).toBe('given');
    await given.quit();
  });

  it('needs a url or a client', async () => {
    await expect(redisStore({})).rejects.toThrow(/pass `url`/);
  });

  it('a URL it cannot read is refused by name, without its password anywhere in the error', async () => {
    const error = (await redisStore({ url: 'redis://:hunter2secret@127.0.0.1:99999/0' }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toMatch(/^redisStore: .* is not a Redis URL/);
    // Node's own URL error keeps its input; none of it may travel with ours.
    const everything = JSON.stringify({ ...error, message: error.message, cause: error.cause, stack: error.stack });
    expect(everything).not.toMatch(/hunter2secret/);
    expect(error.cause).toBeUndefined();
  });

  it('says which Redis it could not reach, without its password', async () => {
    const error = (await redisStore({ url: 'redis://:hunter2secret@127.0.0.1:1/0', commandTimeoutMs: 500 }).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/cannot connect to redis:\/\/:\*\*\*@127\.0\.0\.1:1\/0/);
    expect(error.message).not.toMatch(/hunter2secret/);
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.message).toContain((error.cause as Error).message);
    const plain = (await redisStore({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 500 }).catch((e: unknown) => e)) as Error;
    expect(plain.message).toMatch(/cannot connect to redis:\/\/127\.0\.0\.1:1/);
    expect(plain.message).not.toMatch(/\*\*\*/);
    // A Unix socket path is no URL: the message names it generically rather than echo it.
    const socket = (await redisStore({ url: '/tmp/no-such-redis.sock', commandTimeoutMs: 500 }).catch((e: unknown) => e)) as Error;
    expect(socket.message).toMatch(/^redisStore: cannot connect to the Redis URL: /);
  });

  it('sends each script whole once, then by its hash only; a script that fails for another reason is not sent again', async () => {
    const client = countingClient(redis.url);
    await client.raw.script('FLUSH');
    const store = await redisStore({ client });
    try {
      const k = key('scripts');
      for (let i = 0; i < 10; i += 1) await store.reserveSlot(k, { max: 100, intervalMs: 10_000, maxWaitMs: 0 });
      const owner = await store.tryLock(k + '-lock', 10_000);
      for (let i = 0; i < 5; i += 1) await store.unlock(k + '-lock', owner!);
      expect(client.counts).toEqual({ eval: 2, evalsha: 15 });
      // A key of the wrong type: Redis refuses the script itself; sending it whole would not help.
      await store.set(k + '-plain', 'x');
      const wrong = await failure(store.reserveSlot(k + '-plain', { max: 1, intervalMs: 1000, maxWaitMs: 0 }));
      expect(isUploadError(wrong) && wrong.code).toBe('store-unavailable');
      expect(client.counts).toEqual({ eval: 2, evalsha: 16 });
    } finally {
      await store.close();
      await client.quit();
    }
  });

  it('holds its deadline for a client it was given, fails with a 503 to retry in 5 s, and logs why', async () => {
    const own = await startRedisServer();
    const client = countingClient(own.url);
    const warnings: { message: string; fields?: Record<string, unknown> }[] = [];
    const store = await redisStore({ client, commandTimeoutMs: 300, logger: { warn: (message, fields) => warnings.push({ message, fields }) } });
    try {
      await store.set('k', 'v');
      own.freeze();
      const started = Date.now();
      const stalled = await failure(store.get('k'));
      expect(Date.now() - started).toBeLessThan(2000);
      expect(isUploadError(stalled) && stalled.code).toBe('store-unavailable');
      expect(stalled!.status).toBe(503);
      expect(stalled!.retryAfter).toBe(5);
      expect(String((stalled!.cause as Error).message)).toMatch(/300 ms/);
      expect(warnings).toHaveLength(1);
      expect(String(warnings[0]!.fields?.error)).toMatch(/did not answer within 300 ms/);
    } finally {
      own.thaw();
      await store.close();
      client.raw.disconnect();
      await own.stop();
    }
  });

  it('rides out a stall shorter than the default 2 s deadline', async () => {
    const own = await startRedisServer();
    const store = await redisStore({ url: own.url });
    try {
      await store.set('k', 'v');
      own.freeze();
      const pending = store.get('k');
      await sleep(300);
      own.thaw();
      expect(await pending).toBe('v');
    } finally {
      own.thaw();
      await store.close();
      await own.stop();
    }
  });

  it('leaves no timer behind per command', async () => {
    const store = await redisStore({ url: redis.url, commandTimeoutMs: 60_000 });
    try {
      const timers = () => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
      const before = timers();
      for (let i = 0; i < 100; i += 1) await store.get('k');
      expect(timers() - before).toBeLessThan(10);
    } finally {
      await store.close();
    }
  });
});

/** A TCP hop in front of Redis that can cut every connection and refuse new ones, counting them. */
async function startCutter(port: number) {
  let up = true;
  let holding = false;
  let refused = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    if (!up) {
      refused += 1;
      socket.destroy();
      return;
    }
    const upstream = connectTcp(port, '127.0.0.1');
    sockets.add(socket).add(upstream);
    // While holding, what clients send goes nowhere: their commands are in flight, unanswered.
    socket.on('data', (chunk: Buffer) => {
      if (!holding) upstream.write(chunk);
    });
    upstream.pipe(socket);
    const drop = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `redis://127.0.0.1:${(server.address() as { port: number }).port}`,
    get refused() {
      return refused;
    },
    hold() {
      holding = true;
    },
    cut() {
      up = false;
      holding = false;
      refused = 0;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
    restore() {
      up = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('the redis store through outages', () => {
  it('tries to reconnect soon after a blip, and every second at the slowest however long Redis is away', () => {
    // The pace the cutter below measures on a real connection, as the exact schedule: timers on a
    // shared machine can only make the measured one slower.
    expect([1, 2, 3, 5, 9].map(reconnectDelay)).toEqual([100, 200, 300, 500, 900]);
    expect([10, 11, 60, 10_000].map(reconnectDelay)).toEqual([1000, 1000, 1000, 1000]);
  });

  it('logs one error per outage and one line when Redis is back, reconnecting at a measured pace', async () => {
    const cutter = await startCutter(redis.port);
    const lines: string[] = [];
    const reasons: unknown[] = [];
    const logger: Logger = {
      error: (message, fields) => {
        lines.push(`error: ${message}`);
        reasons.push(fields?.error);
      },
      warn: (message) => lines.push(`warn: ${message}`),
    };
    const store = await redisStore({ url: cutter.url, logger, commandTimeoutMs: 500 });
    const back = async () => {
      for (let tries = 0; tries < 100; tries += 1) {
        if ((await store.get('k').catch(() => 'down')) !== 'down') return;
        await sleep(50);
      }
      throw new Error('Redis did not come back');
    };
    try {
      await store.set('k', 'v');
      expect(lines).toEqual([]);

      for (const outage of [1, 2]) {
        cutter.cut();
        const cutAt = Date.now();
        // Reconnection attempts 100 ms, 200 ms, … apart (at most a second): a handful, not a storm.
        for (let tries = 0; tries < 100 && cutter.refused < 3; tries += 1) await sleep(100);
        expect(cutter.refused).toBeGreaterThanOrEqual(3);
        // Never faster than the backoff allows, however long the wait took on a busy machine.
        const seconds = (Date.now() - cutAt) / 1000;
        expect(cutter.refused).toBeLessThanOrEqual(5 + Math.ceil(seconds));
        const down = await failure(store.get('k'));
        expect(isUploadError(down) && down.code).toBe('store-unavailable');
        cutter.restore();
        await back();
        expect(lines.filter((line) => line.startsWith('error:'))).toHaveLength(outage);
        expect(lines.filter((line) => line.startsWith('warn: the shared store (Redis) is reachable again'))).toHaveLength(outage);
      }
      expect(lines[0]).toMatch(/^error: .*unreachable/);
      // The operator is told why, not only that.
      expect(reasons.every((reason) => typeof reason === 'string' && reason.length > 0)).toBe(true);
    } finally {
      await store.close();
      await cutter.close();
    }
  });

  it('fails a command at once while Redis is unreachable, instead of queueing it until the deadline', async () => {
    const cutter = await startCutter(redis.port);
    const store = await redisStore({ url: cutter.url, commandTimeoutMs: 5000 });
    try {
      await store.set('k', 'v');
      cutter.cut();
      await sleep(700);
      const started = Date.now();
      for (let i = 0; i < 5; i += 1) expect(isUploadError(await failure(store.get('k')))).toBe(true);
      // Each fails at once, not at the 5 s deadline a queued command would wait for.
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      await store.close();
      await cutter.close();
    }
  });

  it('never runs later a command whose caller was told it failed', async () => {
    const cutter = await startCutter(redis.port);
    const store = await redisStore({ url: cutter.url, commandTimeoutMs: 300 });
    const raw = new Redis(redis.url);
    const k = key('late');
    try {
      await store.set(k, 'before');
      cutter.hold();
      expect(isUploadError(await failure(store.set(k, 'told-failed')))).toBe(true);
      cutter.cut();
      await sleep(150);
      cutter.restore();
      for (let tries = 0; tries < 100 && (await store.get(k).catch(() => 'down')) === 'down'; tries += 1) await sleep(50);
      await sleep(200);
      expect(await raw.get(`ghl-attachments:${k}`)).toBe('before');
    } finally {
      await raw.quit();
      await store.close();
      await cutter.close();
    }
  });

  it('carries on through an outage when no logger is given', async () => {
    const cutter = await startCutter(redis.port);
    const store = await redisStore({ url: cutter.url, commandTimeoutMs: 500 });
    try {
      await store.set('k', 'v');
      cutter.cut();
      await sleep(300);
      expect(isUploadError(await failure(store.get('k')))).toBe(true);
      cutter.restore();
      let back: unknown;
      for (let tries = 0; tries < 100 && back !== 'v'; tries += 1) {
        back = await store.get('k').catch(() => undefined);
        if (back !== 'v') await sleep(50);
      }
      expect(back).toBe('v');
    } finally {
      await store.close();
      await cutter.close();
    }
  });
});
