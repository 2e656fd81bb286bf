/**
 * Who may use the token, from which page, and what the process does with requests it cannot
 * even parse: against the real handler on loopback, the real mock behind it.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadResponseBody } from '../shared/wire.js';
import { fixture } from '../testing/fixtures.js';
import { formOf } from '../testing/multipart.js';
import { startStack, type Stack } from '../testing/start-stack.js';
import { createUploadHandler, staticToken } from './index.js';
import { redact } from './forward-upload.js';
import { frameAncestorsPolicy, HIGHLEVEL_APP_ORIGINS } from './frame-policy.js';
import { optionsFromEnv } from './env-options.js';

const CRM = 'http://crm.example:8080';
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ bff: { allowedOrigins: [CRM], allowedHeaders: ['Authorization'] } });
});
afterAll(() => stack.close());

const upload = (headers: Record<string, string> = {}, target = stack) =>
  fetch(target.endpoint, {
    method: 'POST',
    headers: { 'X-Requested-With': 'ghl-attachments', ...headers },
    body: formOf([['conversationId', 'c1'], { name: 'a.png', bytes: fixture('sample.png').bytes }]),
  });

/** A request written byte for byte on a socket: what Node's own client refuses to send. */
function rawHttp(origin: string, text: string): Promise<string> {
  const { port } = new URL(origin);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(text));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('close', () => resolve(answer));
    socket.on('error', () => resolve(answer));
    socket.setTimeout(5000, () => socket.destroy());
  });
}

describe('authorization is a decision, never a default', () => {
  const base = { getToken: staticToken('t'), locationId: 'loc' };

  it('refuses to create a handler without authorize, and says how to opt out', () => {
    // @ts-expect-error: the type requires it too; this is the JavaScript caller's view.
    expect(() => createUploadHandler(base)).toThrow(/`authorize` is required.*authorize: 'anyone'/s);
    // @ts-expect-error: a string other than the opt-out is not a decision either.
    expect(() => createUploadHandler({ ...base, authorize: 'everyone' })).toThrow(TypeError);
    expect(() => createUploadHandler({ ...base, authorize: 'anyone' })).not.toThrow();
    expect(() => createUploadHandler({ ...base, authorize: () => false })).not.toThrow();
  });

  it('takes the opt-out from the environment only when it is written out', () => {
    const env = { GHL_TOKEN: 'pit', GHL_LOCATION_ID: 'loc' };
    expect(optionsFromEnv(env)?.authorize).toBeUndefined();
    expect(optionsFromEnv({ ...env, GHL_AUTHORIZE: 'anyone' })?.authorize).toBe('anyone');
    expect(() => optionsFromEnv({ ...env, GHL_AUTHORIZE: 'yes' })).toThrow(/only be "anyone"/);
  });

  it('asks authorize with the action, conversation and location, before anything reaches HighLevel', async () => {
    const asked: unknown[] = [];
    const guarded = await startStack({
      bff: {
        authorize: (request, context) => {
          asked.push(context);
          return request.headers.get('authorization') === 'Bearer user-session';
        },
      },
    });
    try {
      const refused = await upload({}, guarded);
      expect(refused.status).toBe(401);
      expect(guarded.mock.stats.uploadRequests).toBe(0);
      expect((await upload({ Authorization: 'Bearer user-session' }, guarded)).status).toBe(200);
      expect(asked).toEqual([
        { action: 'upload', conversationId: 'c1', locationId: guarded.mock.locationId },
        { action: 'upload', conversationId: 'c1', locationId: guarded.mock.locationId },
      ]);
    } finally {
      await guarded.close();
    }
  });
});

describe('CORS: allowed origins can really use the route, others cannot', () => {
  const preflight = (origin: string, method = 'POST', headers = 'x-requested-with') =>
    fetch(stack.endpoint, {
      method: 'OPTIONS',
      headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': headers },
    });

  it('approves an allowed origin’s preflight for the widget’s methods and headers, echoing the origin', async () => {
    const response = await preflight(CRM, 'POST', 'x-requested-with,authorization');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(CRM);
    expect(response.headers.get('vary')).toBe('Origin');
    expect(response.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(response.headers.get('access-control-allow-headers')?.split(', ')).toEqual(
      expect.arrayContaining(['x-requested-with', 'content-type', 'range', 'authorization']),
    );
    expect(Number(response.headers.get('access-control-max-age'))).toBeGreaterThan(0);
    // Credentials were not configured: browsers will not send cookies.
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it.each([
    ['an origin not on the list', 'https://evil.example', 'POST', 'x-requested-with'],
    ['a look-alike of an allowed origin', `${CRM}.evil.example`, 'POST', 'x-requested-with'],
    ['the allowed origin on another port', 'http://crm.example:8081', 'POST', 'x-requested-with'],
    ['a method the route does not serve', CRM, 'DELETE', 'x-requested-with'],
    ['a header that is not allowed', CRM, 'POST', 'x-requested-with,x-admin'],
  ])('refuses the preflight of %s, with no CORS header', async (_, origin, method, headers) => {
    const response = await preflight(origin, method, headers);
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('forbidden-origin');
  });

  it('adds CORS headers to an allowed origin’s answers, errors included, so the widget can read them', async () => {
    const ok = await upload({ Origin: CRM });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe(CRM);
    expect(ok.headers.get('access-control-expose-headers')).toBe('Retry-After');
    const refused = await fetch(stack.endpoint, { method: 'POST', headers: { Origin: CRM, 'X-Requested-With': 'ghl-attachments' }, body: 'x' });
    expect(refused.status).toBe(415);
    expect(refused.headers.get('access-control-allow-origin')).toBe(CRM);
    const foreign = await upload({ Origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    expect(foreign.headers.get('vary')).toBe('Origin');
  });

  it('allows credentials only when configured', async () => {
    const withCookies = await startStack({ bff: { allowedOrigins: [CRM], allowCredentials: true } });
    try {
      const response = await fetch(withCookies.endpoint, {
        method: 'OPTIONS',
        headers: { Origin: CRM, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-requested-with' },
      });
      expect(response.headers.get('access-control-allow-credentials')).toBe('true');
      expect(response.headers.get('access-control-allow-origin')).toBe(CRM);
    } finally {
      await withCookies.close();
    }
  });

  it('answers a plain OPTIONS (not a preflight) with the methods it serves', async () => {
    const response = await fetch(stack.endpoint, { method: 'OPTIONS' });
    expect(response.status).toBe(204);
    expect(response.headers.get('allow')).toBe('GET, POST, OPTIONS');
  });
});

describe('publicOrigin: the origin browsers see, not the Host header', () => {
  const PUBLIC = 'https://attachments.example';
  let proxied: Stack;
  beforeAll(async () => {
    proxied = await startStack({ bff: { publicOrigin: PUBLIC } });
  });
  afterAll(() => proxied.close());

  it('accepts pages of the public origin and refuses one that merely matches the Host (DNS rebinding)', async () => {
    expect((await upload({ Origin: PUBLIC }, proxied)).status).toBe(200);
    const rebound = await upload({ Origin: proxied.origin }, proxied);
    expect(rebound.status).toBe(403);
  });

  it('makes preview links on the public origin', async () => {
    const body = (await (await upload({ Origin: PUBLIC }, proxied)).json()) as UploadResponseBody;
    expect(body.files[0]!.previewUrl).toMatch(new RegExp(`^${PUBLIC}/api/attachments\\?preview=`));
  });
});

describe('nothing a client sends stops the process', () => {
  const lines: [string, string, RegExp][] = [
    ['TRACE', 'TRACE /api/attachments HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', /^HTTP\/1\.1 405 [\s\S]*\r\nallow: GET, POST, OPTIONS\r\n/i],
    // Node's server closes a CONNECT itself when nobody listens for tunnels.
    ['CONNECT', 'CONNECT /api/attachments HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', /^$|^HTTP\/1\.1 (400|405) /],
    ['a Host with a space', 'GET /api/attachments HTTP/1.1\r\nHost: a b\r\n\r\n', /^HTTP\/1\.1 400 /],
    ['an absolute-form target', 'GET http://evil.example/api/attachments HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', /^HTTP\/1\.1 (400|404) /],
    ['a Host with brackets but no address', 'GET /api/attachments HTTP/1.1\r\nHost: [::1\r\n\r\n', /^HTTP\/1\.1 400 /],
  ];

  it.each(lines)('%s is answered and the server carries on', async (_, text, expected) => {
    const answer = await rawHttp(stack.origin, text);
    expect(answer).toMatch(expected);
    expect((await upload()).status).toBe(200);
  });
});

describe('the small ones', () => {
  it('redacts the token, and any bearer credential, before the log line is cut', () => {
    const token = 'pit-0123456789abcdef0123456789abcdef';
    const echoed = `${'x'.repeat(480)}Authorization: Bearer ${token} and ${token}`;
    const line = redact(echoed, token).slice(0, 500);
    expect(line).not.toContain(token.slice(0, 10));
    expect(redact('auth: Bearer abc.def-ghi other', '')).toBe('auth: Bearer [token] other');
  });

  it('frames only for HighLevel’s app origins and the page’s own, and takes no injected directive', () => {
    expect(frameAncestorsPolicy()).toBe(`frame-ancestors 'self' ${HIGHLEVEL_APP_ORIGINS.join(' ')}`);
    expect(frameAncestorsPolicy(['https://crm.example'])).toBe("frame-ancestors 'self' https://crm.example");
    expect(() => frameAncestorsPolicy(["https://a.example; script-src 'unsafe-inline'"])).toThrow(TypeError);
  });
});
