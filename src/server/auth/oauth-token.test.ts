import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isUploadError, type UploadError } from '../../shared/upload-error.js';
import { fixture } from '../../testing/fixtures.js';
import { formOf } from '../../testing/multipart.js';
import { startRedisServer, type RedisServer } from '../../testing/redis-server.js';
import { startStack, type Stack } from '../../testing/start-stack.js';
import { startMockHighLevel, type RunningMockHighLevel } from '../../mock-highlevel/index.js';
import { memoryStore } from '../store/memory-store.js';
import { redisStore } from '../store/redis-store.js';
import type { SharedStore } from '../store/shared-store.js';
import { oauthToken, type OAuthTokenProvider, type OAuthTokenOptions } from './oauth-token.js';
import { sharedTokenStore, type OAuthTokens, type TokenStore } from './token-store.js';
import { DEFAULT_API_BASE, type TokenContext } from '../options.js';

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

describe('oauthToken against the mock, request by request', () => {
  const APP = { clientId: 'client-7', clientSecret: 'secret-7' };
  const LOCATIONS = ['loc-a', 'loc-b'];

  let mock: RunningMockHighLevel;
  let tokenUrl: string;
  beforeAll(async () => {
    mock = await startMockHighLevel({ tokens: [], oauth: APP, locations: LOCATIONS.map((id) => ({ id, name: id })) });
    tokenUrl = `${mock.url}/oauth/token`;
  });
  afterAll(() => mock.close());

  interface Call {
    url: string;
    form: URLSearchParams;
    headers: Headers;
  }

  /**
   * The way to HighLevel's token endpoint (the mock), seen from the provider: every request is
   * recorded; `hold` keeps it from leaving until released, `answer` changes what comes back.
   */
  function wire(options: { answer?: (forward: () => Promise<Response>, call: number) => Response | Promise<Response>; hold?: Promise<unknown> } = {}) {
    const calls: Call[] = [];
    const fetchImpl: typeof fetch = async (input, init) => {
      calls.push({ url: String(input), form: new URLSearchParams(String(init?.body)), headers: new Headers(init?.headers) });
      const call = calls.length;
      await options.hold;
      const forward = () => fetch(tokenUrl, init);
      return options.answer ? options.answer(forward, call) : forward();
    };
    return { fetch: fetchImpl, calls };
  }

  /** HighLevel's answer with its JSON body (and status) changed. */
  async function rewritten(forward: () => Promise<Response>, change: (body: Record<string, unknown>) => unknown, status?: number): Promise<Response> {
    const real = await forward();
    const body = (await real.json()) as Record<string, unknown>;
    status ??= real.status;
    return new Response(JSON.stringify(change(body)), { status, headers: { 'Content-Type': 'application/json' } });
  }

  /** A logger that keeps its lines and their fields. */
  function recorder() {
    const lines: { level: string; message: string; fields: Record<string, unknown> | undefined }[] = [];
    const keep = (level: string) => (message: string, fields?: Record<string, unknown>) => lines.push({ level, message, fields });
    return { lines, logger: { warn: keep('warn'), error: keep('error') } };
  }

  /** Installs the app in `locationId` through an instance of its own; the pair made due if `expiresAt` is given. */
  async function install(shared: SharedStore, locationId: string, expiresAt?: number): Promise<OAuthTokens> {
    const installer = oauthToken({ ...APP, shared, tokenUrl, logger: {} });
    await installer.install(mock.authorizationCode(locationId));
    const tokens = sharedTokenStore(shared);
    const pair = { ...(await tokens.load(locationId))! };
    if (expiresAt !== undefined) {
      pair.expiresAt = expiresAt;
      await tokens.save(pair, locationId);
    }
    return pair;
  }

  const failure = (promise: Promise<unknown>) =>
    promise.then(
      (value) => ({ code: `no error (${String(value)})` }) as unknown as UploadError,
      (error: unknown) => (isUploadError(error) ? error : ({ code: `not an UploadError: ${String(error)}` } as unknown as UploadError)),
    );

  /** A refresh by another instance that was using the location's pair. */
  async function refreshedElsewhere(shared: SharedStore, locationId: string): Promise<string> {
    const other = instance(shared);
    const used = await other(at(locationId));
    const newer = await other.refresh(at(locationId));
    expect(newer).not.toBe(used);
    return newer;
  }

  const instance = (shared: SharedStore, options: Partial<OAuthTokenOptions> = {}) => oauthToken({ ...APP, shared, tokenUrl, logger: {}, ...options });
  const at = (locationId: string): TokenContext => ({ locationId });

  describe('what reaches HighLevel', () => {
    it('a form to HighLevel’s own token URL by default, asking for JSON, with the app’s credentials', async () => {
      const shared = memoryStore();
      await install(shared, 'loc-a', 0);
      const { fetch, calls } = wire();
      const provider = oauthToken({ ...APP, shared, fetch, logger: {} });
      expect(await provider(at('loc-a'))).toMatch(/^mock-access-/);
      expect(calls).toHaveLength(1);
      const [call] = calls as [Call];
      expect(call.url).toBe(`${DEFAULT_API_BASE}/oauth/token`);
      expect(call.headers.get('content-type')).toMatch(/^application\/x-www-form-urlencoded/);
      expect(call.headers.get('accept')).toBe('application/json');
      expect(call.form.get('client_id')).toBe(APP.clientId);
      expect(call.form.get('grant_type')).toBe('refresh_token');
      expect(call.form.get('user_type')).toBe('Location');
    });
  });

  describe('token lifetimes', () => {
    const T = 1_900_000_000_000;

    it('keeps the lifetime HighLevel gives, and a day when it gives none that makes sense', async () => {
      const cases: [string, unknown, number][] = [
        ['one hour', 3600, 3_600_000],
        ['missing', undefined, 86_399_000],
        ['zero', 0, 86_399_000],
        ['negative', -5, 86_399_000],
        ['text', '3600', 86_399_000],
      ];
      for (const [name, expiresIn, lifetime] of cases) {
        const shared = memoryStore();
        const { fetch } = wire({ answer: (forward) => rewritten(forward, (body) => ({ ...body, expires_in: expiresIn })) });
        const provider = instance(shared, { fetch, now: () => T });
        await provider.install(mock.authorizationCode('loc-a'));
        expect((await sharedTokenStore(shared).load('loc-a'))?.expiresAt, name).toBe(T + lifetime);
      }
    });

    it('refreshes from the very millisecond the token enters the refresh margin, not before', async () => {
      let clock = T;
      const shared = memoryStore();
      const { fetch, calls } = wire();
      const provider = instance(shared, { fetch, now: () => clock, refreshAheadMs: 60_000 });
      await provider.install(mock.authorizationCode('loc-a'));
      const first = (await sharedTokenStore(shared).load('loc-a'))!;
      clock = first.expiresAt - 60_000 - 1;
      expect(await provider(at('loc-a'))).toBe(first.accessToken);
      expect(calls).toHaveLength(1); // the install
      clock = first.expiresAt - 60_000;
      const second = await provider(at('loc-a'));
      expect(second).not.toBe(first.accessToken);
      expect(calls.map((call) => call.form.get('grant_type'))).toEqual(['authorization_code', 'refresh_token']);
    });
  });

  describe('handing out tokens', () => {
    it('never hands out again a token HighLevel refused: the next call refreshes', async () => {
      const shared = memoryStore();
      await install(shared, 'loc-a');
      const { fetch, calls } = wire();
      const provider = instance(shared, { fetch });
      const first = await provider(at('loc-a'));
      expect(calls).toHaveLength(0);
      provider.refused({ locationId: 'loc-a', token: first });
      const next = await provider(at('loc-a'));
      expect(next).not.toBe(first);
      expect(calls).toHaveLength(1);
    });

    it('reads the store (a database, say) once, not for every upload, while the token is fresh', async () => {
      const shared = memoryStore();
      await install(shared, 'loc-a');
      const inner = sharedTokenStore(shared);
      let loads = 0;
      const store: TokenStore = { load: (id) => ((loads += 1), inner.load(id)), save: inner.save };
      const provider = instance(shared, { store });
      const tokens = new Set<string>();
      for (let i = 0; i < 5; i += 1) tokens.add(await provider(at('loc-a')));
      expect(tokens.size).toBe(1);
      expect(loads).toBe(1);
    });

    it('serves a host that calls it with no context, with a store written for one location', async () => {
      let row: OAuthTokens | undefined;
      const store: TokenStore = { load: () => row, save: (tokens) => void (row = tokens) };
      await instance(memoryStore(), { store }).install(mock.authorizationCode('loc-a'));
      const provider = instance(memoryStore(), { store }) as unknown as () => Promise<string>;
      expect(await provider()).toBe(row?.accessToken);
    });
  });

  describe('refreshes HighLevel answers badly', () => {
    /** An installed location whose pair is due, and a fresh instance (with `answer` on its wire) to refresh it. */
    async function due(answer: (forward: () => Promise<Response>) => Response | Promise<Response>, logger: OAuthTokenOptions['logger'] = {}) {
      const shared = memoryStore();
      const stored = await install(shared, 'loc-a', 0);
      const { fetch, calls } = wire({ answer });
      return { shared, stored, calls, provider: instance(shared, { fetch, logger }) };
    }

    it('a 200 without a token pair is highlevel-unavailable, logged as a possibly dead refresh token, and nothing is stored', async () => {
      const answers: Record<string, (forward: () => Promise<Response>) => Promise<Response>> = {
        'no refresh token': (forward) => rewritten(forward, (body) => ({ ...body, refresh_token: undefined })),
        'no access token': (forward) => rewritten(forward, (body) => ({ ...body, access_token: undefined })),
        'an HTML page': async (forward) => (await (await forward()).arrayBuffer(), new Response('<html>OK</html>', { status: 200, headers: { 'Content-Type': 'text/html' } })),
      };
      for (const [name, answer] of Object.entries(answers)) {
        const { lines, logger } = recorder();
        const { provider, shared, stored } = await due(answer, logger);
        expect((await failure(provider(at('loc-a')))).code, name).toBe('highlevel-unavailable');
        expect(lines.map((line) => line.message).join('\n'), name).toMatch(/refresh of location loc-a without a token pair/);
        expect(await sharedTokenStore(shared).load('loc-a'), name).toEqual(stored);
      }
      // A logger without `error` changes nothing for the caller.
      const quiet = await due(answers['no refresh token']!, {});
      expect((await failure(quiet.provider(at('loc-a')))).code).toBe('highlevel-unavailable');
    });

    it('a 5xx is highlevel-unavailable, with no word of installing again', async () => {
      for (const status of [500, 503]) {
        const { lines, logger } = recorder();
        const { provider } = await due(() => Response.json({ error: 'down' }, { status }), logger);
        expect((await failure(provider(at('loc-a')))).code, String(status)).toBe('highlevel-unavailable');
        expect(lines.map((line) => line.message).join('\n')).not.toMatch(/installed again/);
      }
    });

    it('an answer that is not a 2xx is never taken for tokens, whatever its body holds', async () => {
      for (const status of [300, 401]) {
        const { provider, shared, stored } = await due((forward) => rewritten(forward, (body) => body, status));
        expect((await failure(provider(at('loc-a')))).code, String(status)).toBe('highlevel-auth');
        expect(await sharedTokenStore(shared).load('loc-a')).toEqual(stored);
      }
    });

    it('a lost answer is highlevel-unavailable carrying the network error, and is logged with it', async () => {
      const lost = new TypeError('fetch failed: socket hang up');
      const losing = async (forward: () => Promise<Response>): Promise<Response> => {
        await (await forward()).arrayBuffer();
        throw lost;
      };
      const { lines, logger } = recorder();
      const { provider } = await due(losing, logger);
      const error = await failure(provider(at('loc-a')));
      expect(error.code).toBe('highlevel-unavailable');
      expect(error.cause).toBe(lost);
      expect(lines).toEqual([{ level: 'error', message: expect.stringMatching(/got no answer.*installed again/s), fields: { error: String(lost) } }]);
      // A logger without `error` changes nothing for the caller.
      const quiet = await due(losing, {});
      expect((await failure(quiet.provider(at('loc-a')))).code).toBe('highlevel-unavailable');
    });
  });

  describe('a refused refresh', () => {
    /** A store that hands out `stale` for the first `times` reads (read before another instance saved), then the shared one. */
    function lagging(shared: SharedStore, stale: OAuthTokens, times: number): TokenStore {
      const tokens = sharedTokenStore(shared);
      let left = times;
      return { load: (id) => (left-- > 0 ? stale : tokens.load(id)), save: tokens.save };
    }
    const dead: OAuthTokens = { accessToken: 'old-access', refreshToken: 'dead-refresh', expiresAt: 0 };

    it('with nothing newer in the store: highlevel-auth after a single attempt', async () => {
      const shared = memoryStore();
      await sharedTokenStore(shared).save(dead, 'loc-a');
      const { fetch, calls } = wire();
      const error = await failure(instance(shared, { fetch }).refresh(at('loc-a')));
      expect(error.code).toBe('highlevel-auth');
      expect(calls).toHaveLength(1);
    });

    it('because another instance used the refresh token first: takes the pair it saved, with no further refresh', async () => {
      const shared = memoryStore();
      const saved = await install(shared, 'loc-a');
      const { fetch, calls } = wire();
      const before = mock.stats.tokenRefreshesByLocation['loc-a'] ?? 0;
      const provider = instance(shared, { fetch, store: lagging(shared, dead, 2) });
      expect(await provider(at('loc-a'))).toBe(saved.accessToken);
      expect(calls).toHaveLength(1);
      expect(mock.stats.tokenRefreshesByLocation['loc-a'] ?? 0).toBe(before);
    });

    it('when the pair the other instance saved is itself due: refreshes once more, with that pair’s refresh token', async () => {
      const shared = memoryStore();
      const saved = await install(shared, 'loc-a', Date.now() + 60_000);
      const { fetch, calls } = wire();
      const provider = instance(shared, { fetch, store: lagging(shared, dead, 2) });
      const token = await provider(at('loc-a'));
      expect(token).not.toBe(saved.accessToken);
      expect(calls.map((call) => call.form.get('refresh_token'))).toEqual(['dead-refresh', saved.refreshToken]);
      expect((await sharedTokenStore(shared).load('loc-a'))?.accessToken).toBe(token);
    });

    it('gives up after that one retry: two attempts at HighLevel, then highlevel-auth', async () => {
      let reads = 0;
      // Every read finds yet another pair, each one dead at HighLevel.
      const store: TokenStore = {
        load: () => {
          reads += 1;
          if (reads > 12) throw new Error('read too often');
          return { accessToken: `a${reads}`, refreshToken: `dead-${reads}`, expiresAt: 0 };
        },
        save: () => undefined,
      };
      const { fetch, calls } = wire();
      const error = await failure(instance(memoryStore(), { fetch, store })(at('loc-a')));
      expect(error.code).toBe('highlevel-auth');
      expect(calls).toHaveLength(2);
    });
  });

  describe('a store in trouble', () => {
    it('a new pair the store cannot save: three tries, then store-unavailable (retry in 5 s), logged with the store’s error', async () => {
      const shared = memoryStore();
      await install(shared, 'loc-a', 0);
      const down = new Error('database is down');
      let saves = 0;
      const store: TokenStore = {
        load: (id) => sharedTokenStore(shared).load(id),
        save: () => {
          saves += 1;
          throw down;
        },
      };
      const { lines, logger } = recorder();
      const error = await failure(instance(shared, { store, logger })(at('loc-a')));
      expect(error.code).toBe('store-unavailable');
      expect(error.retryAfter).toBe(5);
      expect(error.cause).toBe(down);
      expect(saves).toBe(3);
      expect(lines).toEqual([
        { level: 'error', message: expect.stringMatching(/new token pair .*refresh token is dead.*installed again in that location/s), fields: { error: String(down) } },
      ]);
      // A logger without `error` changes nothing for the caller. (The lock is kept on the failed
      // location until it expires: another location takes the test again.)
      await install(shared, 'loc-b', 0);
      expect((await failure(instance(shared, { store })(at('loc-b')))).code).toBe('store-unavailable');
    });

    it('a store that cannot be read is store-unavailable, never “not installed”', async () => {
      const store: TokenStore = { load: () => Promise.reject(new Error('database is down')), save: () => undefined };
      const error = await failure(instance(memoryStore(), { store })(at('loc-a')));
      expect(error.code).toBe('store-unavailable');
      expect(error.retryAfter).toBe(5);
    });

    it('a lock store that fails is store-unavailable, and nothing reaches HighLevel', async () => {
      const healthy = memoryStore();
      await install(healthy, 'loc-a', 0);
      const shared: SharedStore = { ...healthy, tryLock: () => Promise.reject(new Error('redis is down')) };
      const { fetch, calls } = wire();
      const error = await failure(instance(shared, { fetch, store: sharedTokenStore(healthy) })(at('loc-a')));
      expect(error.code).toBe('store-unavailable');
      expect(calls).toHaveLength(0);
    });
  });

  describe('one refresh at a time per location, across instances', () => {
    /** An instance whose refresh of `locationId` is held at HighLevel's door until `release()`. */
    async function slowRefresh(shared: SharedStore, locationId: string) {
      let release = () => {};
      const hold = new Promise<void>((resolve) => (release = resolve));
      const { fetch, calls } = wire({ hold });
      const pending = instance(shared, { fetch })(at(locationId));
      while (calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
      return { pending, release };
    }

    it('while another instance refreshes, this one does not: it waits lockWaitMs, then highlevel-timeout, and says so', async () => {
      const shared = memoryStore();
      await install(shared, 'loc-a', 0);
      const slow = await slowRefresh(shared, 'loc-a');
      try {
        const { lines, logger } = recorder();
        const { fetch, calls } = wire();
        const started = Date.now();
        const waited = await failure(instance(shared, { fetch, logger, lockWaitMs: 300 })(at('loc-a')));
        expect(waited.code).toBe('highlevel-timeout');
        expect(Date.now() - started).toBeGreaterThanOrEqual(290);
        expect(Date.now() - started).toBeLessThan(10_000);
        expect(lines.map((line) => `${line.level} ${line.message}`)).toEqual(['warn oauthToken: waited 300 ms for another instance to refresh location loc-a']);
        // No wait at all, even on a clock that stands still; and no logger is no problem.
        const impatient = await failure(instance(shared, { fetch, lockWaitMs: 0, now: () => 1 })(at('loc-a')));
        expect(impatient.code).toBe('highlevel-timeout');
        expect(calls).toHaveLength(0);
      } finally {
        slow.release();
      }
      expect(await slow.pending).toMatch(/^mock-access-/);
    });

    it('a slow refresh of one location does not hold up another location', async () => {
      const shared = memoryStore();
      await install(shared, 'loc-a', 0);
      await install(shared, 'loc-b', 0);
      const slow = await slowRefresh(shared, 'loc-a');
      try {
        expect(await instance(shared, { lockWaitMs: 0 })(at('loc-b'))).toMatch(/^mock-access-/);
      } finally {
        slow.release();
      }
      await slow.pending;
    });

    it('a failed refresh frees the lock: once HighLevel is back, the next call refreshes at once', async () => {
      const shared = memoryStore();
      await install(shared, 'loc-a', 0);
      const { fetch } = wire({ answer: (forward, call) => (call === 1 ? Response.json({}, { status: 503 }) : forward()) });
      const provider = instance(shared, { fetch, lockWaitMs: 0 });
      expect((await failure(provider(at('loc-a')))).code).toBe('highlevel-unavailable');
      expect(await provider(at('loc-a'))).toMatch(/^mock-access-/);
    });

    it('a new pair the store could not save keeps the other instances off the dead refresh token', async () => {
      const shared = memoryStore();
      await install(shared, 'loc-a', 0);
      const tokens = sharedTokenStore(shared);
      const failing: TokenStore = { load: tokens.load, save: () => Promise.reject(new Error('database is down')) };
      expect((await failure(instance(shared, { store: failing })(at('loc-a')))).code).toBe('store-unavailable');
      const { fetch, calls } = wire();
      expect((await failure(instance(shared, { fetch, lockWaitMs: 0 })(at('loc-a')))).code).toBe('highlevel-timeout');
      expect(calls).toHaveLength(0);
    });

    it('a forced refresh takes the newer pair another instance saved, without waiting for that instance’s lock', async () => {
      const shared = memoryStore();
      await install(shared, 'loc-a');
      const { fetch, calls } = wire();
      const mine = instance(shared, { fetch, lockWaitMs: 0 });
      const known = await mine(at('loc-a'));
      const newer = await refreshedElsewhere(shared, 'loc-a');
      // Another instance is (still) holding the location's refresh lock.
      expect(await shared.tryLock('refresh-lock:loc-a', 60_000)).toBeDefined();
      const token = await mine.refresh(at('loc-a'));
      expect(token).toBe(newer);
      expect(token).not.toBe(known);
      expect(calls).toHaveLength(0);
    });

    it('a forced refresh that finds, under the lock, a pair saved since its read takes it: no second refresh', async () => {
      const shared = memoryStore();
      await install(shared, 'loc-a');
      const tokens = sharedTokenStore(shared);
      // One read that predates another instance's save, then the store as it is.
      let staleRead: OAuthTokens | undefined;
      const store: TokenStore = {
        load: (id) => {
          const read = staleRead;
          staleRead = undefined;
          return read ?? tokens.load(id);
        },
        save: tokens.save,
      };
      const { fetch, calls } = wire();
      const mine = instance(shared, { fetch, store });
      const known = await mine(at('loc-a'));
      staleRead = (await tokens.load('loc-a'))!;
      expect(staleRead.accessToken).toBe(known);
      const newer = await refreshedElsewhere(shared, 'loc-a');
      expect(await mine.refresh(at('loc-a'))).toBe(newer);
      expect(calls).toHaveLength(0);
    });

    it('a location not installed is told so at once, even while its lock is held', async () => {
      const shared = memoryStore();
      expect(await shared.tryLock('refresh-lock:loc-z', 60_000)).toBeDefined();
      expect((await failure(instance(shared, { lockWaitMs: 0 })(at('loc-z')))).code).toBe('app-not-installed');
    });

    it('an app uninstalled between the read and the lock is app-not-installed, with nothing sent to HighLevel', async () => {
      const shared = memoryStore();
      const due = await install(shared, 'loc-a', 0);
      let reads = 0;
      const store: TokenStore = { load: () => ((reads += 1), reads === 1 ? due : undefined), save: () => undefined };
      const { fetch, calls } = wire();
      expect((await failure(instance(shared, { fetch, store })(at('loc-a')))).code).toBe('app-not-installed');
      expect(calls).toHaveLength(0);
    });

    it('the lock outlasts a slow refresh: a second instance keeps off while HighLevel takes its time', async () => {
      const shared = memoryStore();
      await install(shared, 'loc-a', 0);
      const slow = await slowRefresh(shared, 'loc-a');
      const { fetch, calls } = wire();
      const second = instance(shared, { fetch })(at('loc-a'));
      await new Promise((resolve) => setTimeout(resolve, 250));
      slow.release();
      const first = await slow.pending;
      expect(await second).toBe(first);
      expect(calls).toHaveLength(0);
    });
  });
});
