import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_FILE_SIZE } from '../shared/limits.js';
import { createUploadHandler } from './create-upload-handler.js';
import { DEFAULT_API_BASE, staticToken, type Logger, type UploadHandlerOptions } from './options.js';
import { resolveOptions } from './resolve-options.js';
import { createMockHighLevel, type MockHighLevelOptions } from '../mock-highlevel/index.js';
import { oauthToken, type OAuthTokenOptions } from './auth/oauth-token.js';
import { memoryStore } from './store/memory-store.js';
import { redisStore, type RedisStoreOptions } from './store/redis-store.js';

// What an operator meets when starting the BFF: options refused at once with a message that
// names them, and the defaults that hold when an option is left out.

const base: UploadHandlerOptions = { getToken: staticToken('pit-123'), locationId: 'loc-1', authorize: 'anyone', previewSecret: 'p'.repeat(32) };
const resolve = (options: Partial<UploadHandlerOptions>) => resolveOptions({ ...base, ...options });
const refusal = (options: Partial<UploadHandlerOptions>) => {
  try {
    createUploadHandler({ ...base, ...options } as UploadHandlerOptions);
  } catch (error) {
    return error as Error;
  }
  return undefined;
};

describe('options refused at start', () => {
  it('refuses a handler without getToken, saying which option and what to pass', () => {
    const error = refusal({ getToken: undefined as never });
    expect(error).toBeInstanceOf(TypeError);
    expect(error!.message).toMatch(/`getToken` is required/);
    expect(error!.message).toMatch(/staticToken/);
    expect(refusal({ getToken: 'pit-123' as never })?.message).toMatch(/`getToken`/);
  });

  it('refuses a missing or empty locationId unless SSO sessions carry the location', () => {
    for (const locationId of [undefined, '']) {
      const error = refusal({ locationId });
      expect(error).toBeInstanceOf(TypeError);
      expect(error!.message).toMatch(/`locationId` is required/);
    }
    expect(refusal({ locationId: undefined, highLevelSso: { sharedSecret: 's'.repeat(16) } })).toBeUndefined();
    expect(refusal({ locationId: 'loc-1' })).toBeUndefined();
  });

  it('refuses an SSO shared secret that is not a string or shorter than 16 characters; 16 is enough', () => {
    for (const sharedSecret of ['s'.repeat(15), '', 42 as never]) {
      const error = refusal({ highLevelSso: { sharedSecret } });
      expect(error).toBeInstanceOf(TypeError);
      expect(error!.message).toMatch(/`highLevelSso\.sharedSecret`/);
    }
    expect(refusal({ highLevelSso: { sharedSecret: 's'.repeat(16) } })).toBeUndefined();
  });

  it('refuses a preview secret shorter than 32 characters; 32 and more are taken as given', () => {
    const error = refusal({ previewSecret: 'p'.repeat(31) });
    expect(error).toBeInstanceOf(TypeError);
    expect(error!.message).toMatch(/`previewSecret` must be at least 32 characters/);
    expect(resolve({ previewSecret: 'q'.repeat(32) }).previews.previewSecret).toBe('q'.repeat(32));
    expect(resolve({ previewSecret: 'r'.repeat(64) }).previews.previewSecret).toBe('r'.repeat(64));
  });

  it('refuses a missing authorize with a message that names both ways out and what `anyone` opens', () => {
    const error = refusal({ authorize: undefined as never });
    expect(error).toBeInstanceOf(TypeError);
    expect(error!.message).toMatch(/`authorize` is required/);
    expect(error!.message).toMatch(/authorize: 'anyone'/);
    expect(error!.message).toMatch(/every caller that reaches the route/);
  });

  it('refuses an empty static token', () => {
    expect(() => staticToken('')).toThrow(/staticToken: the token is empty/);
    expect(staticToken('pit-9')({ locationId: 'x' })).toBe('pit-9');
  });
});

describe('defaults and how given options are taken', () => {
  it('uses HighLevel\'s API base by default and drops any trailing slashes of a given one', () => {
    expect(resolve({}).highlevel.apiBase).toBe(DEFAULT_API_BASE);
    expect(resolve({ apiBase: 'https://api.example.com//' }).highlevel.apiBase).toBe('https://api.example.com');
    expect(resolve({ apiBase: 'https://api.example.com/v2/' }).highlevel.apiBase).toBe('https://api.example.com/v2');
  });

  it('reads files only under /conversations-assets/ and /files/ of the API base or of each given file origin', () => {
    expect(resolve({ apiBase: 'https://api.example.com/' }).previews.filePrefixes).toEqual([
      'https://api.example.com/conversations-assets/',
      'https://api.example.com/files/',
    ]);
    expect(resolve({ fileOrigins: ['https://files.example.com/tenant//', 'https://cdn.example.com'] }).previews.filePrefixes).toEqual([
      'https://files.example.com/tenant/conversations-assets/',
      'https://files.example.com/tenant/files/',
      'https://cdn.example.com/conversations-assets/',
      'https://cdn.example.com/files/',
    ]);
  });

  it('paces requests at 100 per 11 s with a 30 s wait by default, takes given limits, and turns off with false', () => {
    expect(resolve({}).shared.rateLimit).toEqual({ max: 100, intervalMs: 11_000, maxWaitMs: 30_000 });
    expect(resolve({ rateLimit: {} }).shared.rateLimit).toEqual({ max: 100, intervalMs: 11_000, maxWaitMs: 30_000 });
    expect(resolve({ rateLimit: { max: 7, intervalMs: 2000, maxWaitMs: 500 } }).shared.rateLimit).toEqual({ max: 7, intervalMs: 2000, maxWaitMs: 500 });
    expect(resolve({ rateLimit: { max: 7 } }).shared.rateLimit).toEqual({ max: 7, intervalMs: 11_000, maxWaitMs: 30_000 });
    expect(resolve({ rateLimit: false }).shared.rateLimit).toBeUndefined();
  });

  it('binds uploads to the given location, or asks a given function per request, and to the session\'s with SSO', async () => {
    const request = new Request('http://bff.test/api/attachments', { method: 'POST', headers: { 'x-tenant': 'loc-fn' } });
    expect(await resolve({ locationId: 'loc-fixed' }).callers.resolveLocationId!(request)).toBe('loc-fixed');
    expect(await resolve({ locationId: (r) => r.headers.get('x-tenant')! }).callers.resolveLocationId!(request)).toBe('loc-fn');
    // With SSO a configured location is not used: the session's is.
    expect(resolve({ locationId: 'loc-fixed', highLevelSso: { sharedSecret: 's'.repeat(16) } }).callers.resolveLocationId).toBeUndefined();
    expect(resolve({ locationId: undefined, highLevelSso: { sharedSecret: 's'.repeat(16) } }).callers.resolveLocationId).toBeUndefined();
  });

  it('keeps SSO sessions 900 s by default, or as long as given, and lets allowed origins send the session header', () => {
    const sso = resolve({ highLevelSso: { sharedSecret: 's'.repeat(16) } });
    expect(sso.callers.sso).toMatchObject({ sharedSecret: 's'.repeat(16), ttlSeconds: 900 });
    expect(sso.callers.sso!.key).toHaveLength(32);
    expect(resolve({ highLevelSso: { sharedSecret: 's'.repeat(16), sessionTtlSeconds: 60 } }).callers.sso!.ttlSeconds).toBe(60);
    expect(resolve({}).callers.sso).toBeUndefined();
    expect(sso.origins.allowedHeaders).toEqual(['x-requested-with', 'content-type', 'range', 'idempotency-key', 'authorization']);
  });

  it('allows the widget\'s own headers and the given ones, lower-cased, and nothing else', () => {
    expect(resolve({}).origins.allowedHeaders).toEqual(['x-requested-with', 'content-type', 'range', 'idempotency-key']);
    expect(resolve({ allowedHeaders: ['Authorization', 'X-Tenant'] }).origins.allowedHeaders).toEqual([
      'x-requested-with',
      'content-type',
      'range',
      'idempotency-key',
      'authorization',
      'x-tenant',
    ]);
  });

  it('uses the given shared store, else one in this process\'s memory', async () => {
    const store = memoryStore();
    expect(resolve({ sharedStore: store }).shared.store).toBe(store);
    const own = resolve({}).shared.store;
    await own.set('k', 'v');
    expect(await own.get('k')).toBe('v');
  });

  it('sends no credentials cross-origin unless asked, and takes the public origin\'s origin only', () => {
    expect(resolve({}).origins.allowCredentials).toBe(false);
    expect(resolve({ allowCredentials: true }).origins.allowCredentials).toBe(true);
    expect(resolve({}).origins.publicOrigin).toBeUndefined();
    expect(resolve({ publicOrigin: 'https://app.example.com/some/path' }).origins.publicOrigin).toBe('https://app.example.com');
    expect([...resolve({ allowedOrigins: ['https://a.example.com/x', 'http://b.example.com:8080'] }).origins.allowedOrigins]).toEqual([
      'https://a.example.com',
      'http://b.example.com:8080',
    ]);
  });

  it('holds the documented limits by default and takes given ones', () => {
    const defaults = resolve({});
    expect(defaults).toMatchObject({
      limits: { clientRateWindowMs: 30_000, clientMinBytesPerSecond: 1024, maxFileSize: DEFAULT_MAX_FILE_SIZE, maxFilesPerRequest: 5 },
      previews: { previewTtlSeconds: 604_800 },
      highlevel: { upstreamTimeoutMs: 60_000 },
    });
    expect(defaults.limits.readAhead.limit).toBe(64 * 1024 * 1024);
    expect(defaults.callers.admission.limits).toEqual({
      maxInFlight: 256,
      maxUnauthenticatedInFlight: 32,
      maxInFlightPerAddress: 32,
      maxUnauthenticatedPerAddress: 8,
      maxUploadsPerLocation: 128,
    });
    expect(defaults.limits.unauthenticatedDeadlineMs).toBe(5_000);
    const given = resolve({
      clientRateWindowMs: 1000,
      clientMinBytesPerSecond: 10,
      previewTtlSeconds: 60,
      maxFileSize: 100,
      maxFilesPerRequest: 2,
      upstreamTimeoutMs: 500,
      maxReadAheadBytes: 4096,
      maxUploadsInFlight: 3,
      maxUnauthenticatedInFlight: 4,
      maxInFlightPerAddress: 5,
      maxUnauthenticatedPerAddress: 2,
      maxUploadsPerLocation: 6,
      unauthenticatedDeadlineMs: 700,
    });
    expect(given).toMatchObject({
      limits: { clientRateWindowMs: 1000, clientMinBytesPerSecond: 10, maxFileSize: 100, maxFilesPerRequest: 2 },
      previews: { previewTtlSeconds: 60 },
      highlevel: { upstreamTimeoutMs: 500 },
    });
    expect(given.limits.readAhead.limit).toBe(4096);
    expect(given.callers.admission.limits).toEqual({ maxInFlight: 3, maxUnauthenticatedInFlight: 4, maxInFlightPerAddress: 5, maxUnauthenticatedPerAddress: 2, maxUploadsPerLocation: 6 });
    expect(given.limits.unauthenticatedDeadlineMs).toBe(700);
  });

  it('signs preview links with a random secret per process when none is given, and warns that it does', () => {
    const warnings: string[] = [];
    const logger: Logger = { warn: (message) => warnings.push(message) };
    const first = resolveOptions({ ...base, previewSecret: undefined, logger }).previews.previewSecret;
    const second = resolveOptions({ ...base, previewSecret: undefined, logger }).previews.previewSecret;
    expect(first.length).toBeGreaterThanOrEqual(32);
    expect(first).not.toBe(second);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/previewSecret/);
    expect(resolveOptions({ ...base, logger }).previews.previewSecret).toBe('p'.repeat(32));
    expect(warnings).toHaveLength(2);
  });
});

describe('the bounds of strangers and addresses', () => {
  it.each([
    ['maxUploadsInFlight', 0],
    ['maxUnauthenticatedInFlight', 1.5],
    ['maxInFlightPerAddress', Number.NaN],
    ['maxUnauthenticatedPerAddress', Number.POSITIVE_INFINITY],
    ['maxUploadsPerLocation', 0],
    ['unauthenticatedDeadlineMs', 3e9],
    ['unauthenticatedDeadlineMs', 99],
  ] as const)('refuses %s = %s, naming the option and its range', (name, value) => {
    const error = refusal({ [name]: value });
    expect(error).toBeInstanceOf(TypeError);
    expect(error!.message).toMatch(new RegExp(`\`${name}\` must be a whole number from \\d+ to [\\d]+`));
  });

  it.each([[-1], [1.5], [17], ['2' as never]])('refuses trustProxy = %s', (value) => {
    expect(refusal({ trustProxy: value as number })?.message).toMatch(/`trustProxy` must be true, false or a whole number/);
  });

  it('takes true as one proxy and false as none, and any whole number from 0 to 16', () => {
    expect(resolve({ trustProxy: true }).callers.clientAddress.trustedProxies).toBe(1);
    expect(resolve({ trustProxy: false }).callers.clientAddress.trustedProxies).toBe(0);
    expect(resolve({ trustProxy: 0 }).callers.clientAddress.trustedProxies).toBe(0);
    expect(resolve({ trustProxy: 2 }).callers.clientAddress.trustedProxies).toBe(2);
    expect(resolve({ trustProxy: 16 }).callers.clientAddress.trustedProxies).toBe(16);
    expect(resolve({}).callers.clientAddress.trustedProxies).toBe(0);
  });

  it('refuses an authenticate that is not a function', () => {
    expect(refusal({ authenticate: 'yes' as never })?.message).toMatch(/`authenticate` must be a function/);
  });
});

describe('numbers that make no sense are refused when the handler is made', () => {
  it.each([
    ['clientRateWindowMs', { clientRateWindowMs: 3e9 }],
    ['clientRateWindowMs', { clientIdleTimeoutMs: 3e9 }],
    ['clientMinBytesPerSecond', { clientMinBytesPerSecond: 0 }],
    ['upstreamTimeoutMs', { upstreamTimeoutMs: 2 ** 31 }],
    ['maxFileSize', { maxFileSize: -1 }],
    ['maxFilesPerRequest', { maxFilesPerRequest: 0.5 }],
    ['maxReadAheadBytes', { maxReadAheadBytes: Number.NaN }],
    ['previewTtlSeconds', { previewTtlSeconds: 0 }],
    ['rateLimit.max', { rateLimit: { max: 0 } }],
    ['rateLimit.intervalMs', { rateLimit: { intervalMs: Number.POSITIVE_INFINITY } }],
    ['rateLimit.maxWaitMs', { rateLimit: { maxWaitMs: -5 } }],
  ] as [string, Partial<UploadHandlerOptions>][])('%s (%o)', (name, options) => {
    const error = refusal(options);
    expect(error).toBeInstanceOf(TypeError);
    expect(error!.message).toContain(`createUploadHandler: \`${name}\` must be a whole number from`);
  });

  it('takes preview links of up to ten years (365-day years), and no longer', () => {
    const tenYears = 10 * 365 * 24 * 3600;
    expect(resolve({ previewTtlSeconds: tenYears }).previews.previewTtlSeconds).toBe(tenYears);
    expect(refusal({ previewTtlSeconds: tenYears + 1 })?.message).toContain(`\`previewTtlSeconds\` must be a whole number from 1 to ${tenYears}`);
  });

  it('refuses highLevelSso.sessionTtlSeconds outside a minute to a week', () => {
    const sso = (sessionTtlSeconds: number) => refusal({ locationId: undefined, highLevelSso: { sharedSecret: 's'.repeat(32), sessionTtlSeconds } });
    expect(sso(10)?.message).toMatch(/`highLevelSso.sessionTtlSeconds` must be a whole number from 60 to 604800/);
    expect(sso(900)).toBeUndefined();
  });
});

// The same rule holds for every other constructor of the package: a number outside its range is
// refused at once, naming the constructor, the option and the range.
describe('numbers that make no sense are refused by the other constructors too', () => {
  const app = { clientId: 'app', clientSecret: 'secret' };
  it.each([
    ['refreshAheadMs', { refreshAheadMs: -1 }, 'from 0 to 2147483647'],
    ['refreshTimeoutMs', { refreshTimeoutMs: 0 }, 'from 1 to 2147463647'],
    ['refreshTimeoutMs', { refreshTimeoutMs: 2 ** 31 - 1 }, 'from 1 to 2147463647'],
    ['lockWaitMs', { lockWaitMs: 1.5 }, 'from 0 to 2147483647'],
  ] as [string, Partial<OAuthTokenOptions>, string][])('oauthToken %s (%o)', (name, options, range) => {
    expect(() => oauthToken({ ...app, ...options })).toThrow(new TypeError(`oauthToken: \`${name}\` must be a whole number ${range} (got ${String(Object.values(options)[0])}).`));
  });

  it('oauthToken takes the documented defaults and numbers in range', () => {
    expect(() => oauthToken(app)).not.toThrow();
    expect(() => oauthToken({ ...app, refreshAheadMs: 0, refreshTimeoutMs: 1, lockWaitMs: 0 })).not.toThrow();
  });

  it('a logger that is not an object is refused by the constructor it was given to, by name', async () => {
    const logger = 'console' as unknown as Logger;
    expect(() => oauthToken({ ...app, logger })).toThrow(new TypeError('oauthToken: `logger` must be an object with info, warn and error methods.'));
    const client = new Proxy({}, { get: () => () => Promise.reject(new Error('must not be called')) }) as NonNullable<RedisStoreOptions['client']>;
    await expect(redisStore({ client, logger })).rejects.toThrow(new TypeError('redisStore: `logger` must be an object with info, warn and error methods.'));
  });

  it.each([[0], [3e9], [Number.NaN]])('redisStore commandTimeoutMs %s, before any connection is tried', async (commandTimeoutMs) => {
    // A client that fails every call: refused options must not reach it.
    const client = new Proxy({}, { get: () => () => Promise.reject(new Error('must not be called')) }) as NonNullable<RedisStoreOptions['client']>;
    await expect(redisStore({ client, commandTimeoutMs })).rejects.toThrow(/^redisStore: `commandTimeoutMs` must be a whole number from 1 to 2147483647/);
  });

  it.each([
    ['maxFileSize', { maxFileSize: 0 }],
    ['maxFilesPerRequest', { maxFilesPerRequest: 1001 }],
    ['rateLimits.max', { rateLimits: { max: 0 } }],
    ['rateLimits.intervalMs', { rateLimits: { intervalMs: 3e9 } }],
    ['rateLimits.daily', { rateLimits: { daily: Number.POSITIVE_INFINITY } }],
    ['secureFiles.publicForMs', { secureFiles: { publicForMs: -1 } }],
  ] as [string, MockHighLevelOptions][])('the mock %s (%o)', (name, options) => {
    expect(() => createMockHighLevel({ ...options, storageDir: '/nonexistent-never-used' })).toThrow(`createMockHighLevel: \`${name}\` must be a whole number from`);
  });
});

describe('the channels a message may go on', () => {
  it('are the conversation\'s own unless listed; a list is kept once each, in its order', () => {
    expect(resolve({}).messageTypes).toBeUndefined();
    expect(resolve({ messageTypes: ['WhatsApp', 'SMS', 'WhatsApp'] }).messageTypes).toEqual(['WhatsApp', 'SMS']);
  });

  it.each([[[]], [['SMS', 'Fax']], ['SMS']] as [unknown][])('refuses %o, naming the option and every channel', (messageTypes) => {
    const error = refusal({ messageTypes: messageTypes as never });
    expect(error).toBeInstanceOf(TypeError);
    expect(error!.message).toBe('createUploadHandler: `messageTypes` must list one or more of SMS, RCS, Email, WhatsApp, IG, FB, Custom, Live_Chat, TIKTOK.');
  });
});

describe('the client-rate rule’s 1.0 names (deprecated)', () => {
  it('still work, and the new names win where both are given', () => {
    expect(resolve({ clientIdleTimeoutMs: 2000, minClientBytesPerSecond: 20 }).limits).toMatchObject({ clientRateWindowMs: 2000, clientMinBytesPerSecond: 20 });
    expect(resolve({ clientIdleTimeoutMs: 2000, clientRateWindowMs: 3000, minClientBytesPerSecond: 20, clientMinBytesPerSecond: 30 }).limits).toMatchObject({
      clientRateWindowMs: 3000,
      clientMinBytesPerSecond: 30,
    });
  });
});
