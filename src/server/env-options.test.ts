import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startMockHighLevel, type RunningMockHighLevel } from '../mock-highlevel/index.js';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';
import { appOptionsFromEnv, deploymentFromEnv, listOf, optionsFromEnv } from './env-options.js';
import { DEFAULT_API_BASE } from './options.js';
import { redisStore } from './store/redis-store.js';

// What an operator configures with environment variables, and what the BFF makes of them.

const quiet = {};

describe('optionsFromEnv: one sub-account from GHL_TOKEN and GHL_LOCATION_ID', () => {
  it('gives nothing without a token, whatever else is set', () => {
    expect(optionsFromEnv({})).toBeUndefined();
    expect(optionsFromEnv({ GHL_LOCATION_ID: 'loc-1', GHL_AUTHORIZE: 'anyone' })).toBeUndefined();
    expect(optionsFromEnv({ GHL_TOKEN: '', GHL_LOCATION_ID: 'loc-1' })).toBeUndefined();
  });

  it('refuses a token without a location, naming the variable', () => {
    expect(() => optionsFromEnv({ GHL_TOKEN: 'pit-1' })).toThrow(/GHL_LOCATION_ID is not/);
    expect(() => optionsFromEnv({ GHL_TOKEN: 'pit-1', GHL_LOCATION_ID: '' })).toThrow(/GHL_LOCATION_ID/);
  });

  it('hands out the token for the location, with the API base and deployment variables when set', async () => {
    const options = optionsFromEnv({
      GHL_TOKEN: 'pit-1',
      GHL_LOCATION_ID: 'loc-1',
      GHL_API_BASE: 'https://api.example.com',
      GHL_ALLOWED_ORIGINS: 'https://a.example.com, https://b.example.com',
      GHL_PUBLIC_ORIGIN: 'https://bff.example.com',
      GHL_PREVIEW_SECRET: 's'.repeat(32),
      GHL_AUTHORIZE: 'anyone',
    })!;
    expect(await options.getToken({ locationId: 'loc-1' })).toBe('pit-1');
    expect(options).toMatchObject({
      locationId: 'loc-1',
      apiBase: 'https://api.example.com',
      allowedOrigins: ['https://a.example.com', 'https://b.example.com'],
      publicOrigin: 'https://bff.example.com',
      previewSecret: 's'.repeat(32),
      authorize: 'anyone',
    });
  });

  it('leaves out what is not set: the default API base, and no authorize', () => {
    const options = optionsFromEnv({ GHL_TOKEN: 'pit-1', GHL_LOCATION_ID: 'loc-1' })!;
    expect(Object.keys(options).sort()).toEqual(['getToken', 'locationId']);
  });

  it('takes GHL_AUTHORIZE only as the explicit "anyone"', () => {
    expect(() => optionsFromEnv({ GHL_TOKEN: 'pit-1', GHL_LOCATION_ID: 'loc-1', GHL_AUTHORIZE: 'everyone' })).toThrow(/"everyone"/);
  });
});

describe('deploymentFromEnv and listOf', () => {
  it('reads the allowed origins, public origin and preview secret without a token', () => {
    expect(
      deploymentFromEnv({ GHL_ALLOWED_ORIGINS: 'https://a.example.com', GHL_PUBLIC_ORIGIN: 'https://p.example.com', GHL_PREVIEW_SECRET: 'x'.repeat(40) }),
    ).toEqual({ allowedOrigins: ['https://a.example.com'], publicOrigin: 'https://p.example.com', previewSecret: 'x'.repeat(40) });
    expect(deploymentFromEnv({ GHL_PUBLIC_ORIGIN: 'https://p.example.com' })).toEqual({ publicOrigin: 'https://p.example.com' });
    expect(deploymentFromEnv({})).toEqual({});
  });

  it('splits a comma-separated list, trims each item and drops empty ones', () => {
    expect(listOf(' https://a.example.com ,https://b.example.com,, ,https://c.example.com ')).toEqual([
      'https://a.example.com',
      'https://b.example.com',
      'https://c.example.com',
    ]);
    expect(listOf('')).toEqual([]);
  });
});

describe('appOptionsFromEnv: a Marketplace app', () => {
  const APP = { clientId: 'client-7', clientSecret: 'secret-7' };
  let mock: RunningMockHighLevel;
  let redis: RedisServer;
  beforeAll(async () => {
    mock = await startMockHighLevel({ tokens: [], oauth: APP, locations: [{ id: 'loc-app', name: 'App' }] });
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await mock.close();
    await redis.stop();
  });
  afterEach(() => vi.restoreAllMocks());

  it('refuses a client id without its secret, or a secret without its id', async () => {
    await expect(appOptionsFromEnv({ GHL_CLIENT_ID: 'client-7' }, quiet)).rejects.toThrow(/Set both GHL_CLIENT_ID and GHL_CLIENT_SECRET/);
    await expect(appOptionsFromEnv({ GHL_CLIENT_SECRET: 'secret-7' }, quiet)).rejects.toThrow(/GHL_CLIENT_ID/);
  });

  it('without variables: a store in memory, no SSO, no app', async () => {
    const options = await appOptionsFromEnv({}, quiet);
    expect(Object.keys(options)).toEqual(['sharedStore']);
    await options.sharedStore!.set('k', 'v');
    expect(await options.sharedStore!.get('k')).toBe('v');
  });

  it('turns SSO on with the shared secret', async () => {
    const options = await appOptionsFromEnv({ GHL_SSO_SHARED_SECRET: 'shared-secret-123456' }, quiet);
    expect(options.highLevelSso).toEqual({ sharedSecret: 'shared-secret-123456' });
    expect(options.getToken).toBeUndefined();
    expect(options.install).toBeUndefined();
  });

  it('installs the app with the code at GHL_API_BASE (trailing slashes dropped), with the registered redirect URL', async () => {
    const options = await appOptionsFromEnv(
      { ...{ GHL_CLIENT_ID: APP.clientId, GHL_CLIENT_SECRET: APP.clientSecret }, GHL_API_BASE: `${mock.url}//`, GHL_REDIRECT_URI: 'https://bff.example/cb' },
      quiet,
    );
    expect(options.install!.redirectUri).toBe('https://bff.example/cb');
    expect(options.getToken).toBe(options.install!.app);
    const code = mock.authorizationCode('loc-app', 'https://bff.example/cb');
    expect(await options.install!.app.install(code, options.install!.redirectUri)).toMatchObject({ locationId: 'loc-app' });
    // The installed location's token is what getToken now hands out.
    expect(await options.getToken!({ locationId: 'loc-app' })).toMatch(/\S/);
  });

  it('without a redirect variable the install has none of its own (the route\'s callback URL is used)', async () => {
    const options = await appOptionsFromEnv({ GHL_CLIENT_ID: APP.clientId, GHL_CLIENT_SECRET: APP.clientSecret, GHL_API_BASE: mock.url }, quiet);
    expect(Object.keys(options.install!)).toEqual(['app']);
  });

  it('asks HighLevel\'s own token URL when GHL_API_BASE is not set', async () => {
    const asked: string[] = [];
    vi.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
      asked.push(String(input instanceof Request ? input.url : input));
      return new Response('{"error":"invalid_grant"}', { status: 400, headers: { 'content-type': 'application/json' } });
    });
    const options = await appOptionsFromEnv({ GHL_CLIENT_ID: APP.clientId, GHL_CLIENT_SECRET: APP.clientSecret }, quiet);
    await expect(options.install!.app.install('some-code')).rejects.toThrow();
    expect(asked).toEqual([`${DEFAULT_API_BASE}/oauth/token`]);
  });

  it('shares its store through Redis with GHL_REDIS_URL, so that every instance sees the same', async () => {
    const options = await appOptionsFromEnv({ GHL_REDIS_URL: redis.url }, quiet);
    const other = await redisStore({ url: redis.url });
    try {
      await options.sharedStore!.set('seen-by-all', 'yes');
      expect(await other.get('seen-by-all')).toBe('yes');
    } finally {
      await other.close();
      await options.sharedStore!.close();
    }
  });

  it('stops the start when Redis cannot be reached', async () => {
    await expect(appOptionsFromEnv({ GHL_REDIS_URL: 'redis://127.0.0.1:1' }, quiet)).rejects.toThrow(/cannot connect/);
  });
});
