/**
 * Three BFF processes behind no load balancer but the test's round robin, one Redis, HighLevel's
 * mock: what a Marketplace app runs on. Measured here: one refresh for a burst at expiry, the
 * fleet under HighLevel's rate limit, and Redis going away.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockHighLevel, type RunningMockHighLevel } from '../mock-highlevel/index.js';
import { fixture } from '../testing/fixtures.js';
import { startFleetInstance, type FleetInstance } from '../testing/fleet-process.js';
import { formOf } from '../testing/multipart.js';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';
import { oauthToken } from './auth/oauth-token.js';
import { sharedTokenStore } from './auth/token-store.js';
import { redisStore } from './store/redis-store.js';
import type { SharedStore } from './store/shared-store.js';

const APP = { clientId: 'fleet-app', clientSecret: 'fleet-secret' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let redis: RedisServer;
let mock: RunningMockHighLevel;
let shared: SharedStore;

beforeAll(async () => {
  [redis, mock] = await Promise.all([
    startRedisServer(),
    startMockHighLevel({
      tokens: [],
      oauth: APP,
      locations: ['loc-expiry', 'loc-burst', 'loc-outage'].map((id) => ({ id, name: id })),
    }),
  ]);
  shared = await redisStore({ url: redis.url });
}, 60_000);
afterAll(async () => {
  await shared?.close();
  await Promise.all([redis?.stop(), mock?.close()]);
});

/** Installs the app in `locationId` as an admin would, through the same store the fleet uses. */
async function install(locationId: string) {
  await oauthToken({ ...APP, shared, tokenUrl: `${mock.url}/oauth/token`, logger: {} }).install(mock.authorizationCode(locationId));
}

async function startFleet(locationId: string): Promise<FleetInstance[]> {
  return Promise.all(
    [1, 2, 3].map(() => startFleetInstance({ ...APP, mockUrl: mock.url, redisUrl: redis.url, locationId })),
  );
}

interface Outcome {
  status: number;
  code?: string;
  ms: number;
  endedAt: number;
}

async function upload(endpoint: string, name: string): Promise<Outcome> {
  const started = Date.now();
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'X-Requested-With': 'ghl-attachments' },
      body: formOf([['conversationId', 'fleet-conversation'], { name, bytes: fixture('sample.png').bytes }]),
      signal: AbortSignal.timeout(60_000),
    });
    const body = (await response.json()) as { error?: { code: string } };
    return { status: response.status, ...(body.error ? { code: body.error.code } : {}), ms: Date.now() - started, endedAt: Date.now() };
  } catch (error) {
    return { status: 0, code: String(error), ms: Date.now() - started, endedAt: Date.now() };
  }
}

/** The most requests the mock saw for `locationId` in any window of `windowMs`. */
function busiestWindow(locationId: string, windowMs: number): number {
  const times = mock.stats.requestLog.filter((entry) => entry.locationId === locationId && entry.path === 'upload').map((entry) => entry.at);
  let most = 0;
  for (let start = 0, end = 0; end < times.length; end += 1) {
    while (times[end]! - times[start]! >= windowMs) start += 1;
    most = Math.max(most, end - start + 1);
  }
  return most;
}

describe('three BFF processes on one Redis', () => {
  it('refresh a location’s token exactly once when 90 uploads across them meet its expiry, and none fails', async () => {
    await install('loc-expiry');
    const fleet = await startFleet('loc-expiry');
    try {
      // The pair enters the refresh margin (5 minutes before expiry) two seconds from now.
      const tokens = sharedTokenStore(shared);
      const installed = (await tokens.load('loc-expiry'))!;
      const expiryMoment = Date.now() + 2000;
      await tokens.save({ ...installed, expiresAt: expiryMoment + 300_000 }, 'loc-expiry');
      // Each instance uses (and keeps) the pair while it is good…
      const warm = await Promise.all(fleet.map((instance, i) => upload(instance.endpoint, `warm-${i}.png`)));
      expect(warm.map((outcome) => outcome.status)).toEqual([200, 200, 200]);
      expect(mock.stats.tokenRefreshesByLocation['loc-expiry'] ?? 0).toBe(0);
      // …then 90 uploads, 30 on each, arrive the moment it needs refreshing.
      await sleep(Math.max(0, expiryMoment - Date.now() + 50));
      const outcomes = await Promise.all(Array.from({ length: 90 }, (_, i) => upload(fleet[i % 3]!.endpoint, `burst-${i}.png`)));
      const failed = outcomes.filter((outcome) => outcome.status !== 200);
      console.log(
        `[fleet] 90 uploads at expiry: ${90 - failed.length} stored, ${failed.length} failed, ` +
          `${mock.stats.tokenRefreshesByLocation['loc-expiry'] ?? 0} refresh(es) reached HighLevel`,
      );
      expect(failed).toEqual([]);
      expect(mock.stats.tokenRefreshesByLocation['loc-expiry']).toBe(1);
      const saved = (await tokens.load('loc-expiry'))!;
      expect(saved.refreshToken).not.toBe(installed.refreshToken);
      expect(saved.expiresAt).toBeGreaterThan(Date.now() + 86_000_000);
    } finally {
      await Promise.all(fleet.map((instance) => instance.stop()));
    }
  }, 60_000);

  it('keep 300 uploads in 10 s for one location under 100 per 10 s at HighLevel, and store every one', async () => {
    await install('loc-burst');
    const fleet = await startFleet('loc-burst');
    try {
      const started = Date.now();
      const pending: Promise<Outcome>[] = [];
      for (let i = 0; i < 300; i += 1) {
        // One every 33 ms: 300 in 10 s, round robin over the instances.
        await sleep(Math.max(0, started + i * 33 - Date.now()));
        pending.push(upload(fleet[i % 3]!.endpoint, `burst-${i}.png`));
      }
      const outcomes = await Promise.all(pending);
      const failed = outcomes.filter((outcome) => outcome.status !== 200);
      const busiest = busiestWindow('loc-burst', 10_000);
      const refusedByHighLevel = mock.stats.requestLog.filter((entry) => entry.locationId === 'loc-burst' && entry.status === 429).length;
      console.log(
        `[fleet] 300 uploads in 10 s: ${300 - failed.length} stored, ${failed.length} failed, busiest 10 s at HighLevel ` +
          `${busiest}, HighLevel 429s ${refusedByHighLevel}, all done after ${((Date.now() - started) / 1000).toFixed(1)} s, ` +
          `longest wait ${Math.max(...outcomes.map((outcome) => outcome.ms))} ms`,
      );
      expect(failed).toEqual([]);
      expect(refusedByHighLevel).toBe(0);
      expect(busiest).toBeLessThanOrEqual(100);
      // The limiter is not just refusing: the fleet did use the room HighLevel gives.
      expect(busiest).toBeGreaterThanOrEqual(90);
    } finally {
      await Promise.all(fleet.map((instance) => instance.stop()));
    }
  }, 120_000);

  it('fail uploads with store-unavailable while Redis is away (stalled or gone), hang on none, and work again when it is back', async () => {
    await install('loc-outage');
    const fleet = await startFleet('loc-outage');
    try {
      const warm = await Promise.all(fleet.map((instance, i) => upload(instance.endpoint, `warm-${i}.png`)));
      expect(warm.map((outcome) => outcome.status)).toEqual([200, 200, 200]);
      const report: string[] = [];
      for (const [name, away, back] of [
        ['stalled (SIGSTOP)', () => redis.freeze(), () => redis.thaw()],
        ['gone (killed, restarted empty)', () => redis.kill(), () => redis.restart()],
      ] as const) {
        // Uploads keep coming (under the rate limit, so that no wait hides in the timings) while
        // Redis goes away and comes back.
        type Phase = 'before' | 'away' | 'recovering' | 'back';
        const outcomes: Promise<Outcome>[] = [];
        const phases: Phase[] = [];
        let phase = 'before' as Phase;
        const sender = (async () => {
          for (let i = 0; phase !== 'back' || phases.filter((p) => p === 'back').length < 20; i += 1) {
            phases.push(phase);
            outcomes.push(upload(fleet[i % 3]!.endpoint, `outage-${i}.png`));
            await sleep(150);
          }
        })();
        await sleep(500);
        await away();
        phase = 'away';
        // Longer than a command's deadline (2 s), so that a stalled Redis is seen to fail requests.
        await sleep(3500);
        phase = 'recovering';
        const awayUntil = Date.now();
        await back();
        // The clients reconnect by themselves (within a second).
        await sleep(1000);
        phase = 'back';
        await sender;
        const settled = await Promise.all(outcomes);
        // Sent while Redis was away; an upload sent just before it came back may still pass.
        const during = settled.filter((_, i) => phases[i] === 'away');
        const answeredWhileAway = during.filter((outcome) => outcome.endedAt < awayUntil);
        const after = settled.filter((_, i) => phases[i] === 'back');
        const codes = new Set(settled.filter((outcome) => outcome.status !== 200).map((outcome) => outcome.code));
        report.push(
          `${name}: ${during.length} uploads sent while away, ${answeredWhileAway.length} answered before it was back, all ` +
            `store-unavailable; ${during.filter((o) => o.status === 200).length} sent late stored once it was back; slowest ` +
            `answer ${Math.max(...during.map((o) => o.ms))} ms; ` +
            `after it is back ${after.filter((o) => o.status === 200).length}/${after.length} stored`,
        );
        expect([...codes].every((code) => code === 'store-unavailable'), [...codes].join(', ')).toBe(true);
        expect(answeredWhileAway.length).toBeGreaterThan(0);
        expect(answeredWhileAway.every((outcome) => outcome.code === 'store-unavailable')).toBe(true);
        expect(Math.max(...settled.map((outcome) => outcome.ms))).toBeLessThan(10_000);
        expect(after.every((outcome) => outcome.status === 200)).toBe(true);
        expect(fleet.every((instance) => instance.alive())).toBe(true);
      }
      console.log(`[fleet] Redis away: ${report.join('; ')}`);
    } finally {
      await Promise.all(fleet.map((instance) => instance.stop()));
    }
  }, 120_000);
});
