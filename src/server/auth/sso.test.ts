import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptUserContext, mockUserContext } from '../../mock-highlevel/index.js';
import { fixture } from '../../testing/fixtures.js';
import { formOf } from '../../testing/multipart.js';
import { startStack, type Stack } from '../../testing/start-stack.js';
import type { AuthorizeContext } from '../options.js';
import { SESSION_COOKIE, SIGN_IN_FLOOR_MS } from './session.js';
import { decryptUserContext } from './sso-payload.js';
import { sessionKey, signSession } from './session-token.js';

const SECRET = 'the-apps-shared-secret-0123456789';
const USER = mockUserContext('loc-a');

/** OpenSSL's own `enc`, an implementation apart from ours: the format CryptoJS writes. */
function openssl(args: string[], input: string | Buffer): string {
  return execFileSync('openssl', ['enc', '-aes-256-cbc', '-md', 'md5', '-a', '-A', ...args, '-pass', `pass:${SECRET}`], {
    input,
    stdio: ['pipe', 'pipe', 'ignore'],
  }).toString();
}

/** The context as JSON, with one byte of its name made 0xFF (never part of UTF-8). */
function notUtf8(context: object): Buffer {
  const bytes = Buffer.from(JSON.stringify({ ...context, userName: 'Mock ~' }));
  bytes[bytes.indexOf('~')] = 0xff;
  return bytes;
}

describe('the SSO payload', () => {
  it('reads what OpenSSL writes with the Shared Secret, and OpenSSL reads what the mock writes', () => {
    const encrypted = openssl(['-salt'], JSON.stringify(USER));
    expect(Buffer.from(encrypted, 'base64').subarray(0, 8).toString()).toBe('Salted__');
    expect(decryptUserContext(encrypted, SECRET)).toEqual(USER);
    const ours = encryptUserContext(USER, SECRET);
    expect(JSON.parse(openssl(['-d'], ours))).toEqual(USER);
    expect(decryptUserContext(ours, SECRET)).toEqual(USER);
  });

  it('gives nothing for a wrong secret, bad padding, a payload that is not JSON or not a user, or not base64', () => {
    const good = encryptUserContext(USER, SECRET);
    const raw = Buffer.from(good, 'base64');
    const flipped = Buffer.from(raw);
    flipped[flipped.length - 1]! ^= 0x55;
    for (const payload of [
      encryptUserContext(USER, 'another-secret-of-the-same-size!!'),
      flipped.toString('base64'),
      raw.subarray(0, raw.length - 3).toString('base64'),
      openssl(['-salt'], 'this is not JSON'),
      openssl(['-salt'], JSON.stringify({ hello: 'world' })),
      openssl(['-salt'], JSON.stringify([USER])),
      'not base64 at all!',
      Buffer.concat([Buffer.from('Unsalted'), raw.subarray(8)]).toString('base64'),
      '',
      42,
      undefined,
      'A'.repeat(20_000),
    ]) {
      expect(decryptUserContext(payload, SECRET)).toBeUndefined();
    }
  });
});

describe('sign-in and sessions (highLevelSso)', () => {
  let stack: Stack;
  const asked: AuthorizeContext[] = [];
  beforeAll(async () => {
    stack = await startStack({
      mock: {
        tokens: [
          { token: 'token-a', locationId: 'loc-a' },
          { token: 'token-b', locationId: 'loc-b' },
        ],
        users: [
          { id: 'mock-user', role: 'admin', type: 'account', locationIds: ['loc-a', 'loc-b'] },
          { id: 'plain-user', role: 'user', type: 'account', locationIds: ['loc-a'] },
        ],
        rateLimits: { max: 10_000 },
      },
      bff: {
        locationId: undefined,
        highLevelSso: { sharedSecret: SECRET },
        getToken: ({ locationId }) => ({ 'loc-a': 'token-a', 'loc-b': 'token-b' })[locationId] ?? 'none',
        authorize: (_request, context) => {
          asked.push(context);
          return context.user?.role === 'admin';
        },
      },
    });
  });
  afterAll(() => stack.close());

  const signIn = (encryptedData: unknown, headers: Record<string, string> = {}) =>
    fetch(`${stack.endpoint}/session`, {
      method: 'POST',
      headers: { 'X-Requested-With': 'ghl-attachments', 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify({ encryptedData }),
    });
  const upload = (headers: Record<string, string>, name = 'a.png') =>
    fetch(stack.endpoint, {
      method: 'POST',
      headers: { 'X-Requested-With': 'ghl-attachments', ...headers },
      body: formOf([['conversationId', 'c1'], { name, bytes: fixture('sample.png').bytes }]),
    });
  const codeOf = async (response: Response) => ((await response.json()) as { error?: { code: string } }).error?.code;

  it('answers the user and a session: a token and an HttpOnly, Secure, SameSite=None, Partitioned cookie', async () => {
    const answer = await signIn(encryptUserContext(mockUserContext('loc-b'), SECRET));
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { user: unknown; token: string; expiresAt: number };
    expect(body.user).toEqual({ userId: 'mock-user', companyId: 'mock-company', locationId: 'loc-b', role: 'admin', type: 'location' });
    expect(body.expiresAt).toBeGreaterThan(Date.now() + 800_000);
    expect(body.expiresAt).toBeLessThanOrEqual(Date.now() + 900_000);
    const cookie = answer.headers.get('set-cookie')!;
    const parts = cookie!.split('; ');
    expect(parts[0]).toBe(`${SESSION_COOKIE}=${body.token}`);
    expect(new Set(parts.slice(1))).toEqual(new Set(['Path=/', 'Max-Age=900', 'HttpOnly', 'Secure', 'SameSite=None', 'Partitioned']));
  });

  it('sends an upload to the session’s location, with the bearer token or the cookie, and tells authorize the user', async () => {
    const { token } = (await (await signIn(encryptUserContext(mockUserContext('loc-b'), SECRET))).json()) as { token: string };
    const before = stack.mock.files.size;
    asked.length = 0;
    expect((await upload({ Authorization: `Bearer ${token}` }, 'bearer.png')).status).toBe(200);
    expect((await upload({ Cookie: `other=1; ${SESSION_COOKIE}=${token}` }, 'cookie.png')).status).toBe(200);
    const stored = [...stack.mock.files.values()].slice(before);
    expect(stored.map((file) => [file.fileName, file.locationId])).toEqual([
      ['bearer.png', 'loc-b'],
      ['cookie.png', 'loc-b'],
    ]);
    expect(asked.map((context) => [context.action, context.locationId, context.user?.userId, context.user?.locationId])).toEqual([
      ['upload', 'loc-b', 'mock-user', 'loc-b'],
      ['upload', 'loc-b', 'mock-user', 'loc-b'],
    ]);
    // The role is HighLevel's, whatever the payload claims.
    const plain = await signIn(encryptUserContext({ ...mockUserContext('loc-a'), userId: 'plain-user', role: 'admin' }, SECRET));
    const session = (await plain.json()) as { token: string; user: { role: string } };
    expect(session.user.role).toBe('user');
    const refused = await upload({ Authorization: `Bearer ${session.token}` });
    expect(refused.status).toBe(401);
  });

  it('refuses an upload with no session, a forged one, or an expired one, before anything reaches HighLevel', async () => {
    const before = stack.mock.stats.uploadRequests;
    const forged = signSession({ userId: 'u', companyId: 'c', locationId: 'loc-a', role: 'admin', type: 'location' }, Date.now() + 60_000, sessionKey('a guess at the secret!!'));
    const expired = signSession({ userId: 'u', companyId: 'c', locationId: 'loc-a', role: 'admin', type: 'location' }, Date.now() - 1, sessionKey(SECRET));
    for (const [headers, code] of [
      [{}, 'unauthorized'],
      [{ Authorization: `Bearer ${forged}` }, 'unauthorized'],
      [{ Authorization: 'Bearer x.y' }, 'unauthorized'],
      [{ Cookie: `${SESSION_COOKIE}=${forged}` }, 'unauthorized'],
      [{ Authorization: `Bearer ${expired}` }, 'session-expired'],
    ] as const) {
      const answer = await upload(headers);
      expect(answer.status).toBe(401);
      expect(await codeOf(answer)).toBe(code);
    }
    expect(stack.mock.stats.uploadRequests).toBe(before);
  });

  it('answers every bad payload with the same 401, no sooner than the floor: no padding oracle', async () => {
    const raw = Buffer.from(encryptUserContext(USER, SECRET), 'base64');
    const badPadding = Buffer.from(raw);
    badPadding[badPadding.length - 1]! ^= 0x01;
    const payloads = {
      'wrong secret': encryptUserContext(USER, 'not-the-apps-shared-secret-00000'),
      'bad padding': badPadding.toString('base64'),
      'not JSON': openssl(['-salt'], '{"userId": "u", trailing'),
      'no activeLocation': encryptUserContext({ ...USER, activeLocation: undefined, type: 'agency' }, SECRET),
      // A location id goes into HighLevel's form and into store keys: nothing but its shape.
      'an activeLocation that is not a location id': encryptUserContext({ ...USER, activeLocation: 'loc-a\r\n--x' }, SECRET),
      // What a rewritten block makes: a key twice (the last would win), bytes that are not UTF-8.
      'a key twice': openssl(['-salt'], JSON.stringify(USER).replace('"role":"admin"', '"role":"user","role":"admin"')),
      'not UTF-8': openssl(['-salt'], notUtf8(USER)),
      garbage: 'AAAA',
    };
    const seen = new Set<string>();
    for (const [name, payload] of Object.entries(payloads)) {
      const started = performance.now();
      const answer = await signIn(payload);
      const elapsed = performance.now() - started;
      const headers = [...answer.headers].filter(([header]) => !['date', 'content-length'].includes(header));
      seen.add(JSON.stringify([answer.status, await answer.text(), headers]));
      expect(elapsed, name).toBeGreaterThanOrEqual(SIGN_IN_FLOOR_MS - 1);
    }
    expect([...seen]).toHaveLength(1);
    expect(JSON.parse([...seen][0]!)[0]).toBe(401);
  });

  it('signs in only from the widget, from an allowed origin, with a small JSON body', async () => {
    const payload = encryptUserContext(USER, SECRET);
    const foreign = await signIn(payload, { Origin: 'https://evil.example' });
    expect(await codeOf(foreign)).toBe('forbidden-origin');
    const noHeader = await fetch(`${stack.endpoint}/session`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ encryptedData: payload }) });
    expect(await codeOf(noHeader)).toBe('missing-requested-with');
    const form = await fetch(`${stack.endpoint}/session`, { method: 'POST', headers: { 'X-Requested-With': 'ghl-attachments' }, body: new URLSearchParams({ encryptedData: payload }) });
    expect(await codeOf(form)).toBe('bad-request');
    const huge = await fetch(`${stack.endpoint}/session`, {
      method: 'POST',
      headers: { 'X-Requested-With': 'ghl-attachments', 'Content-Type': 'application/json' },
      body: JSON.stringify({ encryptedData: 'A'.repeat(100_000) }),
    });
    expect(await codeOf(huge)).toBe('bad-request');
    expect((await fetch(`${stack.endpoint}/session`)).status).toBe(405);
  });

  it('the sign-in path is the same with a trailing slash, or several', async () => {
    for (const suffix of ['/', '//']) {
      const answer = await fetch(`${stack.endpoint}/session${suffix}`, {
        method: 'POST',
        headers: { 'X-Requested-With': 'ghl-attachments', 'Content-Type': 'application/json' },
        body: JSON.stringify({ encryptedData: encryptUserContext(mockUserContext('loc-b'), SECRET) }),
      });
      expect(answer.status, suffix).toBe(200);
    }
  });

  it('reads a preview only for a session of the link’s location', async () => {
    const signInAt = async (location: string) =>
      ((await (await signIn(encryptUserContext(mockUserContext(location), SECRET))).json()) as { token: string }).token;
    const a = await signInAt('loc-a');
    const b = await signInAt('loc-b');
    const uploaded = await upload({ Authorization: `Bearer ${a}` }, 'mine.png');
    const { files } = (await uploaded.json()) as { files: { previewUrl: string }[] };
    const previewUrl = files[0]!.previewUrl;
    expect((await fetch(previewUrl, { headers: { Authorization: `Bearer ${a}` } })).status).toBe(200);
    const other = await fetch(previewUrl, { headers: { Authorization: `Bearer ${b}` } });
    expect(other.status).toBe(403);
    expect(await codeOf(other)).toBe('preview-link-invalid');
    expect((await fetch(previewUrl)).status).toBe(401);
  });
});

describe('sign-ins that cost the server', () => {
  it('a client gone mid-body is no server error (nothing logged); a stalled sign-in gives its place to the next', async () => {
    const errors: unknown[] = [];
    const stack = await startStack({
      bff: {
        locationId: undefined,
        highLevelSso: { sharedSecret: SECRET },
        maxUnauthenticatedInFlight: 1,
        unauthenticatedDeadlineMs: 1500,
        logger: { error: (...line) => errors.push(line) },
      },
    });
    try {
      const { rawRequest } = await import('../../testing/raw-request.js');
      const headers = { 'X-Requested-With': 'ghl-attachments', 'Content-Type': 'application/json', 'Content-Length': 1000 };
      // Gone after 20 bytes of a declared 1,000.
      await rawRequest(`${stack.endpoint}/session`, { headers, body: ['{"encryptedData":"AA', 100], end: 'drop' });
      // One that stalls holds the only place of the strangers' pool…
      const stalled = rawRequest(`${stack.endpoint}/session`, { headers, body: ['{"encryptedData":"AA'], end: 'stall' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      // …until the next sign-in comes: the one still waiting for its client gives way (503, to retry).
      const next = await fetch(`${stack.endpoint}/session`, {
        method: 'POST',
        headers: { 'X-Requested-With': 'ghl-attachments', 'Content-Type': 'application/json' },
        body: JSON.stringify({ encryptedData: encryptUserContext(USER, SECRET) }),
      });
      expect(next.status).not.toBe(503);
      const evicted = await stalled;
      expect(evicted?.status).toBe(503);
      expect(JSON.parse(evicted!.text).error.code).toBe('server-busy');
      expect(errors).toEqual([]);
    } finally {
      await stack.close();
    }
  });
});
