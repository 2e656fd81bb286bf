import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUploadError } from '../../shared/upload-error.js';
import { startRedisServer, type RedisServer } from '../../testing/redis-server.js';
import { memoryStore } from './memory-store.js';
import { redisStore } from './redis-store.js';
import type { SharedStore } from './shared-store.js';

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let keyCount = 0;
const key = (name: string) => `${name}-${++keyCount}-${Date.now()}`;

// One suite, both implementations: the memory store of one process must mean what Redis means.
describe.each([
  ['memory', async () => memoryStore()],
  ['redis', async () => redisStore({ url: redis.url })],
] as const)('the %s store', (_name, make) => {
  let store: SharedStore;
  beforeAll(async () => {
    store = await make();
  });
  afterAll(() => store.close());

  it('keeps values by key', async () => {
    const k = key('value');
    expect(await store.get(k)).toBeUndefined();
    await store.set(k, 'one');
    await store.set(`${k}-other`, 'two');
    expect(await store.get(k)).toBe('one');
    await store.set(k, 'three');
    expect(await store.get(k)).toBe('three');
    await store.delete(k);
    expect(await store.get(k)).toBeUndefined();
    expect(await store.get(`${k}-other`)).toBe('two');
  });

  it('gives a lock to one taker at a time, among many asking at once', async () => {
    const k = key('lock');
    const owners = await Promise.all(Array.from({ length: 20 }, () => store.tryLock(k, 10_000)));
    const holders = owners.filter((owner) => owner !== undefined);
    expect(holders).toHaveLength(1);
    await store.unlock(k, 'not-the-owner');
    expect(await store.tryLock(k, 10_000)).toBeUndefined();
    await store.unlock(k, holders[0]!);
    expect(await store.tryLock(k, 10_000)).toBeTypeOf('string');
  });

  it('frees a lock whose holder never released it, and the old holder cannot free the new one', async () => {
    const k = key('expiring');
    const first = await store.tryLock(k, 150);
    expect(first).toBeTypeOf('string');
    let second: string | undefined;
    for (let tries = 0; tries < 50 && !second; tries += 1) {
      await sleep(50);
      second = await store.tryLock(k, 10_000);
    }
    expect(second).toBeTypeOf('string');
    await store.unlock(k, first!);
    expect(await store.tryLock(k, 10_000)).toBeUndefined();
  });

  it('reserves moments so that no window holds more than the limit, first come first served', async () => {
    const k = key('window');
    const limits = { max: 10, intervalMs: 1000, maxWaitMs: 60_000 };
    const answers = await Promise.all(Array.from({ length: 35 }, () => store.reserveSlot(k, limits)));
    expect(answers.every((answer) => answer.granted)).toBe(true);
    const waits = answers.map((answer) => answer.waitMs).sort((a, b) => a - b);
    // The first ten go now; each later one at least a whole interval after the tenth before it.
    expect(waits.slice(0, 10).every((wait) => wait < 200)).toBe(true);
    for (let i = 10; i < waits.length; i += 1) expect(waits[i]! - waits[i - 10]!).toBeGreaterThanOrEqual(1000 - 50);
    expect(waits.at(-1)!).toBeGreaterThanOrEqual(3000 - 100);
    // Another key has its own window.
    expect((await store.reserveSlot(`${k}-other`, limits)).waitMs).toBeLessThan(200);
  });

  it('refuses a moment further than maxWaitMs, without reserving it', async () => {
    const k = key('refuse');
    const limits = { max: 2, intervalMs: 5000, maxWaitMs: 1000 };
    expect((await store.reserveSlot(k, limits)).granted).toBe(true);
    expect((await store.reserveSlot(k, limits)).granted).toBe(true);
    const refused = await store.reserveSlot(k, limits);
    expect(refused.granted).toBe(false);
    expect(refused.waitMs).toBeGreaterThan(4000);
    // Refused ones took nothing: with a longer patience the next one gets the first free moment.
    const patient = await store.reserveSlot(k, { ...limits, maxWaitMs: 10_000 });
    expect(patient.granted).toBe(true);
    expect(patient.waitMs).toBeLessThan(5100);
  });
});

describe('the redis store when Redis goes away', () => {
  it('fails with store-unavailable at once when Redis is down, within the deadline when it stalls, and works again when it is back', async () => {
    const own = await startRedisServer();
    const store = await redisStore({ url: own.url, commandTimeoutMs: 500 });
    try {
      await store.set('k', 'v');
      await own.kill();
      const started = Date.now();
      const down = await store.get('k').catch((error: unknown) => error);
      expect(isUploadError(down) && down.code).toBe('store-unavailable');
      expect(Date.now() - started).toBeLessThan(5000);

      await own.restart();
      let back: unknown;
      for (let tries = 0; tries < 100; tries += 1) {
        back = await store.set('k', 'again').catch((error: unknown) => error);
        if (back === undefined) break;
        await sleep(100);
      }
      expect(back).toBeUndefined();
      expect(await store.get('k')).toBe('again');

      own.freeze();
      const stalled = Date.now();
      const frozen = await store.reserveSlot('w', { max: 1, intervalMs: 1000, maxWaitMs: 0 }).catch((error: unknown) => error);
      expect(isUploadError(frozen) && frozen.code).toBe('store-unavailable');
      expect(Date.now() - stalled).toBeLessThan(5000);
      own.thaw();
      let thawed: unknown;
      for (let tries = 0; tries < 100; tries += 1) {
        thawed = await store.get('k').catch((error: unknown) => error);
        if (thawed === 'again') break;
        await sleep(100);
      }
      expect(thawed).toBe('again');
    } finally {
      own.thaw();
      await store.close();
      await own.stop();
    }
  });
});
