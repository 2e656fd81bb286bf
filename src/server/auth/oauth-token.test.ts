import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isUploadError } from '../../shared/upload-error.js';
import { fixture } from '../../testing/fixtures.js';
import { formOf } from '../../testing/multipart.js';
import { startRedisServer, type RedisServer } from '../../testing/redis-server.js';
import { startStack, type Stack } from '../../testing/start-stack.js';
import { startMockHighLevel, type RunningMockHighLevel } from '../../mock-highlevel/index.js';
import { memoryStore } from '../store/memory-store.js';
import { redisStore } from '../store/redis-store.js';
import type { SharedStore } from '../store/shared-store.js';
import { oauthToken, type OAuthTokenProvider } from './oauth-token.js';
import { sharedTokenStore, type OAuthTokens, type TokenStore } from './token-store.js';

const APP = { clientId: 'client-1', clientSecret: 'secret-1' };

/** A store that remembers everything saved, like a database table with history. */
function historyStore(initial: Record<string, OAuthTokens>): TokenStore & { saved: [string, OAuthTokens][] } {
  const rows = new Map(Object.entries(initial));
  const saved: [string, OAuthTokens][] = [];
  return {
    saved,
    load: async (locationId) => rows.get(locationId),
    save: async (tokens, locationId) => {
      await new Promise((wait) => setTimeout(wait, 5));
      rows.set(locationId, tokens);
      saved.push([locationId, tokens]);
    },
  };
}

/** A logger that keeps its lines. */
function recorder() {
  const lines: string[] = [];
  return { lines, logger: { error: (message: string) => lines.push(`error ${message}`), warn: (message: string) => lines.push(`warn ${message}`) } };
}

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function stackWith(store: TokenStore, options: { refreshToken?: string; fetch?: typeof fetch; logger?: ReturnType<typeof recorder>['logger'] } = {}) {
  // The provider needs the mock's URL, the BFF needs the provider: a holder breaks the circle.
  const holder: { provider?: OAuthTokenProvider } = {};
  stack = await startStack({
    mock: {
      tokens: [{ token: 'old-access', locationId: 'loc1' }],
      oauth: { ...APP, locationId: 'loc1', refreshToken: options.refreshToken ?? 'refresh-0' },
      rateLimits: { max: 10_000 },
    },
    bff: { locationId: 'loc1', getToken: (context) => holder.provider!(context) },
  });
  const provider = oauthToken({
    ...APP,
    store,
    tokenUrl: `${stack.mock.url}/oauth/token`,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    logger: options.logger ?? {},
  });
  holder.provider = provider;
  return { stack, provider };
}

const upload = (s: Stack, name = 'a.png') =>
  fetch(s.endpoint, {
    method: 'POST',
    headers: { 'X-Requested-With': 'ghl-attachments' },
    body: formOf([['conversationId', 'c1'], { name, bytes: fixture('sample.png').bytes }]),
  });

const codeOf = async (response: Response) => ((await response.json()) as { error?: { code: string } }).error?.code;

describe('oauthToken', () => {
  it('uses the stored token while it is fresh, without refreshing', async () => {
    const store = historyStore({ loc1: { accessToken: 'old-access', refreshToken: 'refresh-0', expiresAt: Date.now() + 3_600_000 } });
    const { stack } = await stackWith(store);
    expect((await upload(stack)).status).toBe(200);
    expect(stack.mock.stats.tokenRefreshes).toBe(0);
    expect(store.saved).toHaveLength(0);
  });

  it('refreshes ahead of expiry and stores the new refresh token before using the new access token', async () => {
    // Expires in two minutes: inside the five-minute margin.
    const store = historyStore({ loc1: { accessToken: 'old-access', refreshToken: 'refresh-0', expiresAt: Date.now() + 120_000 } });
    const { stack } = await stackWith(store);
    expect((await upload(stack)).status).toBe(200);
    expect(stack.mock.stats.tokenRefreshes).toBe(1);
    expect(store.saved).toHaveLength(1);
    const [[location, saved]] = store.saved as [[string, OAuthTokens]];
    expect(location).toBe('loc1');
    expect(saved.refreshToken).not.toBe('refresh-0');
    expect(saved.accessToken).toMatch(/^mock-access-/);
    expect(saved.expiresAt).toBeGreaterThan(Date.now() + 86_000_000);
  });

  it('refreshes once for many concurrent uploads', async () => {
    const store = historyStore({ loc1: { accessToken: 'old-access', refreshToken: 'refresh-0', expiresAt: Date.now() - 1000 } });
    const { stack } = await stackWith(store);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => upload(stack, `f${i}.png`)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(stack.mock.stats.tokenRefreshes).toBe(1);
    expect(store.saved).toHaveLength(1);
  });

  it('keeps working across refreshes, each time with the latest refresh token', async () => {
    const store = historyStore({ loc1: { accessToken: 'old-access', refreshToken: 'refresh-0', expiresAt: Date.now() - 1000 } });
    const { stack, provider } = await stackWith(store);
    await provider.refresh({ locationId: 'loc1' });
    await provider.refresh({ locationId: 'loc1' });
    expect(stack.mock.stats.tokenRefreshes).toBe(2);
    expect((await upload(stack)).status).toBe(200);
    // The first refresh token was rotated away: HighLevel would refuse it now.
    const stale = await fetch(`${stack.mock.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ ...{ client_id: APP.clientId, client_secret: APP.clientSecret }, grant_type: 'refresh_token', refresh_token: 'refresh-0' }),
    });
    expect(stale.status).toBe(401);
  });

  it('turns a refused refresh into highlevel-auth, says the app must be installed again, and leaks no secret', async () => {
    const store = historyStore({ loc1: { accessToken: 'old-access', refreshToken: 'revoked', expiresAt: Date.now() - 1000 } });
    const { lines, logger } = recorder();
    const { stack } = await stackWith(store, { logger });
    const answer = await upload(stack);
    const text = await answer.text();
    expect(answer.status).toBe(502);
    expect(JSON.parse(text).error.code).toBe('highlevel-auth');
    expect(text).not.toContain(APP.clientSecret);
    expect(text).not.toContain('revoked');
    expect(stack.mock.stats.uploadRequests).toBe(0);
    expect(lines.join('\n')).toMatch(/error .*refused the refresh token of location loc1.*installed again/);
  });

  it('reports a refresh whose answer was lost, loudly: the stored refresh token is dead on HighLevel', async () => {
    const store = historyStore({ loc1: { accessToken: 'old-access', refreshToken: 'refresh-0', expiresAt: Date.now() - 1000 } });
    const { lines, logger } = recorder();
    // The refresh reaches HighLevel, which rotates the token; its answer never comes back.
    const losing: typeof fetch = async (input, init) => {
      await (await fetch(input, init)).arrayBuffer();
      throw new TypeError('fetch failed: socket hang up');
    };
    const { stack } = await stackWith(store, { fetch: losing, logger });
    const first = await upload(stack);
    expect(first.status).toBe(502);
    expect(await codeOf(first)).toBe('highlevel-unavailable');
    expect(lines.join('\n')).toMatch(/error .*refresh of location loc1 got no answer/);
    expect(stack.mock.stats.tokenRefreshes).toBe(1);
    expect(store.saved).toHaveLength(0);
  });

  it('does not use a new pair the store could not save, and saves it (with no second refresh) once the store works', async () => {
    let failing = true;
    const inner = historyStore({ loc1: { accessToken: 'old-access', refreshToken: 'refresh-0', expiresAt: Date.now() - 1000 } });
    const store: TokenStore = {
      load: inner.load,
      save: async (tokens, locationId) => {
        if (failing) throw new Error('database is down');
        await inner.save(tokens, locationId);
      },
    };
    const { lines, logger } = recorder();
    const { stack } = await stackWith(store, { logger });
    const refused = await upload(stack);
    expect(refused.status).toBe(503);
    expect(await codeOf(refused)).toBe('store-unavailable');
    expect(stack.mock.stats.uploadRequests).toBe(0);
    expect(lines.join('\n')).toMatch(/error .*new token pair and the store cannot save it/);
    failing = false;
    expect((await upload(stack)).status).toBe(200);
    expect(stack.mock.stats.tokenRefreshes).toBe(1);
    expect(inner.saved).toHaveLength(1);
  });
});

describe('oauthToken with many locations', () => {
  let mock: RunningMockHighLevel;
  beforeAll(async () => {
    mock = await startMockHighLevel({
      tokens: [],
      oauth: { ...APP, redirectUri: 'https://app.example/callback' },
      locations: [
        { id: 'loc-a', name: 'A' },
        { id: 'loc-b', name: 'B' },
      ],
    });
  });
  afterAll(() => mock.close());

  it('installs each location from its code, keeps their tokens apart, and a code works once', async () => {
    const shared = memoryStore();
    const provider = oauthToken({ ...APP, shared, tokenUrl: `${mock.url}/oauth/token`, logger: {} });
    const notYet = await provider({ locationId: 'loc-a' }).catch((error: unknown) => error);
    expect(isUploadError(notYet) && notYet.code).toBe('app-not-installed');

    const code = mock.authorizationCode('loc-a');
    expect(await provider.install(code, 'https://app.example/callback')).toEqual({ locationId: 'loc-a', companyId: 'mock-company' });
    const again = await provider.install(code, 'https://app.example/callback').catch((error: unknown) => error);
    expect(isUploadError(again) && again.code).toBe('install-failed');
    const wrongRedirect = await provider.install(mock.authorizationCode('loc-b'), 'https://evil.example/').catch((error: unknown) => error);
    expect(isUploadError(wrongRedirect) && wrongRedirect.code).toBe('install-failed');
    await provider.install(mock.authorizationCode('loc-b'), 'https://app.example/callback');

    const a = await provider({ locationId: 'loc-a' });
    const b = await provider({ locationId: 'loc-b' });
    expect(a).not.toBe(b);
    const stored = sharedTokenStore(shared);
    expect((await stored.load('loc-a'))?.accessToken).toBe(a);
    expect((await stored.load('loc-b'))?.accessToken).toBe(b);
    // Refreshing one location leaves the other's tokens alone.
    const refreshed = await provider.refresh({ locationId: 'loc-a' });
    expect(refreshed).not.toBe(a);
    expect(await provider({ locationId: 'loc-b' })).toBe(b);
    expect(mock.stats.tokenRefreshesByLocation).toEqual({ 'loc-a': 1 });
  });
});

let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedisServer();
});
afterAll(() => redis?.stop());

// Several instances (providers) on one shared store, in memory and in Redis alike.
describe.each([
  ['memory', async () => memoryStore()],
  ['redis', async () => redisStore({ url: redis.url })],
] as const)('three instances on one %s store', (_name, make) => {
  let shared: SharedStore;
  let mock: RunningMockHighLevel;
  beforeAll(async () => {
    shared = await make();
    mock = await startMockHighLevel({ tokens: [], oauth: APP, locations: [{ id: 'loc-x', name: 'X' }] });
  });
  afterAll(async () => {
    await shared.close();
    await mock.close();
  });

  const instances = () => [1, 2, 3].map(() => oauthToken({ ...APP, shared, tokenUrl: `${mock.url}/oauth/token`, logger: {} }));

  it('refresh a location exactly once at expiry, and every caller gets the new pair', async () => {
    // Installed through a fourth instance: the three know of the pair only from the store.
    await instances()[0]!.install(mock.authorizationCode('loc-x'));
    const fleet = instances();
    const installed = await sharedTokenStore(shared).load('loc-x');
    // The pair is now inside the refresh margin for everyone.
    await sharedTokenStore(shared).save({ ...installed!, expiresAt: Date.now() + 60_000 }, 'loc-x');
    const before = mock.stats.tokenRefreshes;
    const tokens = await Promise.all(Array.from({ length: 30 }, (_, i) => fleet[i % 3]!({ locationId: 'loc-x' })));
    expect(mock.stats.tokenRefreshes - before).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect(tokens[0]).not.toBe(installed!.accessToken);
  });

  it('a refresh refused because another instance used the token first re-reads the store and takes that pair', async () => {
    const [first, second] = instances();
    await first!.install(mock.authorizationCode('loc-x'));
    const tokens = sharedTokenStore(shared);
    const old = (await tokens.load('loc-x'))!;
    // The second instance reads the old pair, then the first refreshes (its lock long gone
    // when the second gets its own): the second's refresh token is dead on HighLevel.
    let stale = true;
    const lagging = oauthToken({
      ...APP,
      shared,
      store: { load: async (id) => (stale ? ((stale = false), { ...old, expiresAt: 0 }) : tokens.load(id)), save: tokens.save },
      tokenUrl: `${mock.url}/oauth/token`,
      logger: {},
    });
    const fresh = await first!.refresh({ locationId: 'loc-x' });
    const before = mock.stats.tokenRefreshes;
    expect(await lagging({ locationId: 'loc-x' })).toBe(fresh);
    expect(mock.stats.tokenRefreshes).toBe(before);
    void second;
  });
});
