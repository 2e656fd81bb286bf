/**
 * `GET ?preview=`: previews read with the server's token, only through links this server signed,
 * for users `authorize` lets read that conversation, and never from anywhere but HighLevel.
 */
import { createServer, type Server, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, beforeEach } from 'vitest';
import type { UploadResponseBody, UploadedFile } from '../shared/wire.js';
import { fixture } from '../testing/fixtures.js';
import { formOf } from '../testing/multipart.js';
import { startStack, type Stack } from '../testing/start-stack.js';
import type { AuthorizeContext, TokenContext, TokenProvider } from './options.js';
import { signPreview, verifyPreview, type PreviewClaims } from './preview-link.js';

const TOKEN = 'pit-preview-secret';
const SECRET = 'preview-secret-of-this-test-suite-0123456789';
let stack: Stack;
let spy: Server;
let spyOrigin: string;
const spySeen: { url?: string; authorization?: string }[] = [];
const asked: AuthorizeContext[] = [];
let allow = true;

beforeAll(async () => {
  // Stands in for any host that is not HighLevel's: it must never be asked for anything.
  spy = createServer((req, res) => {
    spySeen.push({ url: req.url, authorization: req.headers.authorization });
    if (req.url?.startsWith('/files/redirect')) res.writeHead(302, { Location: `${spyOrigin}/files/elsewhere` }).end();
    else res.writeHead(200, { 'Content-Type': 'image/png' }).end('not HighLevel');
  });
  await new Promise<void>((resolve) => spy.listen(0, '127.0.0.1', resolve));
  spyOrigin = `http://127.0.0.1:${(spy.address() as AddressInfo).port}`;
  stack = await startStack({
    mock: { tokens: [{ token: TOKEN, locationId: 'loc1' }], secureFiles: { publicForMs: 0 } },
    bff: {
      previewSecret: SECRET,
      authorize: (_request, context) => {
        asked.push(context);
        return allow;
      },
    },
  });
});
afterAll(async () => {
  await stack.close();
  spy.closeAllConnections();
  await new Promise((resolve) => spy.close(resolve));
});

async function uploadPng(conversationId = 'c1'): Promise<UploadedFile> {
  const response = await fetch(stack.endpoint, {
    method: 'POST',
    headers: { 'X-Requested-With': 'ghl-attachments' },
    body: formOf([['conversationId', conversationId], { name: 'a.png', bytes: fixture('sample.png').bytes }]),
  });
  return ((await response.json()) as UploadResponseBody).files[0]!;
}

const hourFromNow = () => Math.floor(Date.now() / 1000) + 3600;
const claims = (url: string, extra: Partial<PreviewClaims> = {}): PreviewClaims => ({
  url,
  locationId: 'loc1',
  conversationId: 'c1',
  expiresAt: hourFromNow(),
  ...extra,
});
const link = (handle: string, target = stack) => `${target.endpoint}?preview=${handle}`;
const errorCode = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

describe('GET ?preview=: previews that outlive the public hour', () => {
  it('answers each upload with a signed link that reads the expired secure file with the server’s token', async () => {
    const file = await uploadPng();
    expect(file.url).toMatch(/\/files\/d\/[0-9a-f]{32}$/);
    expect(file.previewUrl?.startsWith(`${stack.endpoint}?preview=`)).toBe(true);
    expect(file.previewUrl).not.toContain(TOKEN);
    expect((await fetch(file.url)).status).toBe(401); // public time is over: HighLevel wants a token
    const response = await fetch(file.previewUrl!);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(response.headers.get('cache-control')).toBe('private, max-age=300');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(fixture('sample.png').bytes);
  });

  it('signs the file, location, conversation and an expiry a week away', async () => {
    const file = await uploadPng('conv-42');
    const handle = new URL(file.previewUrl!).searchParams.get('preview');
    const signed = verifyPreview(handle, SECRET);
    expect(signed).toMatchObject({ url: file.url, locationId: 'loc1', conversationId: 'conv-42' });
    const week = 7 * 24 * 3600;
    expect(Math.abs(signed.expiresAt - (Date.now() / 1000 + week))).toBeLessThan(60);
  });

  it('asks authorize about the link’s own conversation before reading, and reads nothing when refused', async () => {
    const file = await uploadPng('conv-7');
    asked.length = 0;
    allow = false;
    try {
      const response = await fetch(file.previewUrl!);
      expect(response.status).toBe(401);
      expect(await errorCode(response)).toBe('unauthorized');
    } finally {
      allow = true;
    }
    expect(asked).toEqual([{ action: 'preview', conversationId: 'conv-7', locationId: 'loc1' }]);
    // The same refusal for a spy's URL proves nothing is fetched before authorize says yes.
    const before = spySeen.length;
    allow = false;
    try {
      const spyStack = await startStack({ bff: { previewSecret: SECRET, fileOrigins: [spyOrigin], authorize: () => allow } });
      try {
        const response = await fetch(link(signPreview(claims(`${spyOrigin}/files/d/abc`, { locationId: spyStack.mock.locationId }), SECRET), spyStack));
        expect(response.status).toBe(401);
      } finally {
        await spyStack.close();
      }
    } finally {
      allow = true;
    }
    expect(spySeen.length).toBe(before);
  });

  it('passes a byte range on, so video can seek', async () => {
    const file = await uploadPng();
    const response = await fetch(file.previewUrl!, { headers: { Range: 'bytes=0-7' } });
    expect([200, 206]).toContain(response.status);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(bytes.subarray(0, 8)).toEqual(fixture('sample.png').bytes.subarray(0, 8));
  });

  it('answers file-not-found for a file HighLevel does not have', async () => {
    const response = await fetch(link(signPreview(claims(`${stack.mock.url}/files/d/0123456789abcdef0123456789abcdef`), SECRET)));
    expect(response.status).toBe(404);
    expect(await errorCode(response)).toBe('file-not-found');
  });
});

describe('GET: only links this server signed, unexpired, for this location', () => {
  const refused: [string, () => Promise<string>, string][] = [
    ['a bare ?url= (the old route)', async () => `${stack.endpoint}?url=${encodeURIComponent((await uploadPng()).url)}`, 'preview-link-invalid'],
    ['no handle at all', async () => stack.endpoint, 'preview-link-invalid'],
    ['a handle signed with another secret', async () => link(signPreview(claims((await uploadPng()).url), 'another-secret-of-the-same-length-012345')), 'preview-link-invalid'],
    [
      'a handle whose claims were changed (another conversation)',
      async () => {
        const handle = new URL((await uploadPng()).previewUrl!).searchParams.get('preview')!;
        const [body, mac] = handle.split('.');
        const claimsOf = JSON.parse(Buffer.from(body!, 'base64url').toString()) as unknown[];
        claimsOf[2] = 'someone-elses-conversation';
        return link(`${Buffer.from(JSON.stringify(claimsOf)).toString('base64url')}.${mac}`);
      },
      'preview-link-invalid',
    ],
    ['a handle with its signature cut', async () => new URL((await uploadPng()).previewUrl!).href.slice(0, -3), 'preview-link-invalid'],
    ['a handle with a third part', async () => `${(await uploadPng()).previewUrl!}.x`, 'preview-link-invalid'],
    ['a handle of signed garbage', async () => link(`${Buffer.from('not json').toString('base64url')}.x`), 'preview-link-invalid'],
    ['a handle for another location', async () => link(signPreview(claims((await uploadPng()).url, { locationId: 'loc2' }), SECRET)), 'preview-link-invalid'],
    ['an expired handle', async () => link(signPreview(claims((await uploadPng()).url, { expiresAt: Math.floor(Date.now() / 1000) - 1 }), SECRET)), 'preview-link-expired'],
  ];

  it.each(refused)('refuses %s with 403 and reads nothing', async (_, target, code) => {
    const url = await target();
    asked.length = 0;
    const response = await fetch(url);
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe(code);
    expect(asked).toEqual([]);
  });
});

describe('GET: no open proxy, even with a validly signed handle', () => {
  // A signed handle for these can only come from a leaked secret: the URL is checked all the same.
  const refused: [string, () => string][] = [
    ['another host', () => `${spyOrigin}/files/d/abc`],
    ['another host’s attachment path', () => `${spyOrigin}/conversations-assets/location/loc1/conversations/c1/x.png`],
    ['HighLevel’s host but not a file path', () => `${stack.mock.url}/conversations/messages/upload`],
    ['a path climbing out with dots', () => `${stack.mock.url}/files/%2e%2e/oauth/token`],
    ['a path climbing out with encoded slashes', () => `${stack.mock.url}/files/..%2f..%2foauth%2ftoken`],
    ['a backslash in a segment', () => `${stack.mock.url}/files/d/..%5c..%5coauth`],
    ['credentials in the URL', () => `${stack.mock.url.replace('http://', 'http://user:pw@')}/files/d/abc`],
    ['a javascript: URL', () => 'javascript:alert(1)'],
    ['a file: URL', () => 'file:///etc/passwd'],
    ['no URL', () => ''],
  ];

  it.each(refused)('refuses %s without fetching it', async (_, url) => {
    const before = { spy: spySeen.length, requests: stack.mock.stats.uploadRequests };
    const response = await fetch(link(signPreview(claims(url()), SECRET)));
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('file-url-not-allowed');
    expect(spySeen.length).toBe(before.spy);
  });

  it('refuses a page of another site embedding the preview when no other origin is allowed', async () => {
    const file = await uploadPng();
    const response = await fetch(file.previewUrl!, { headers: { 'Sec-Fetch-Site': 'cross-site' } });
    expect(response.status).toBe(403);
    expect(await errorCode(response)).toBe('forbidden-origin');
  });

  it('lets pages of allowed origins embed previews (CORP cross-origin) when other origins are allowed', async () => {
    const shared = await startStack({ bff: { allowedOrigins: ['http://crm.example'] }, mock: { secureFiles: { publicForMs: 0 } } });
    try {
      const response = await fetch(shared.endpoint, {
        method: 'POST',
        headers: { 'X-Requested-With': 'ghl-attachments' },
        body: formOf([['conversationId', 'c1'], { name: 'a.png', bytes: fixture('sample.png').bytes }]),
      });
      const file = ((await response.json()) as UploadResponseBody).files[0]!;
      const preview = await fetch(file.previewUrl!, { headers: { 'Sec-Fetch-Site': 'cross-site' } });
      expect(preview.status).toBe(200);
      expect(preview.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    } finally {
      await shared.close();
    }
  });

  it('follows no redirect, even from an allowed file host', async () => {
    const redirecting = await startStack({ bff: { previewSecret: SECRET, fileOrigins: [spyOrigin] } });
    try {
      const before = spySeen.length;
      const handle = signPreview(claims(`${spyOrigin}/files/redirect`, { locationId: redirecting.mock.locationId }), SECRET);
      const response = await fetch(link(handle, redirecting));
      expect(response.status).toBe(502);
      expect(await errorCode(response)).toBe('highlevel-unavailable');
      expect(spySeen.slice(before).map((seen) => seen.url)).toEqual(['/files/redirect']);
    } finally {
      await redirecting.close();
    }
  });
});

/**
 * The preview proxy against every kind of answer the file host can give (a refused token, a
 * range, a type that must not render, headers that must or must not be passed on, silence). The
 * file host is a stand-in on loopback, allowed by `fileOrigins`, so that each test chooses its
 * answer; the BFF is the real one.
 */
describe('GET ?preview= through a file host that answers anything', () => {
  const SECRET = 'preview-edges-secret-0123456789-abcdefghij';
  const TOKEN = 'pit-preview-edges-token-secret';

  interface Seen {
    url: string | undefined;
    headers: IncomingHttpHeaders;
  }

  /** The file host's next answers, one per request; when none is queued it answers a PNG. */
  type Answer = (req: IncomingMessage, res: ServerResponse) => void;

  let host: Server;
  let hostOrigin: string;
  const hostSeen: Seen[] = [];
  const answers: Answer[] = [];
  const png = fixture('sample.png').bytes;

  const tokenAsked: TokenContext[] = [];
  const refusedTokens: unknown[] = [];
  /** Records what it is asked for, and is told about refused tokens. */
  const recordingToken: TokenProvider = Object.assign(
    (context: TokenContext) => {
      tokenAsked.push(context);
      return TOKEN;
    },
    { refused: (context: TokenContext & { token: string }) => void refusedTokens.push(context) },
  );

  let stack: Stack;
  let plain: Stack;

  beforeAll(async () => {
    host = createServer((req, res) => {
      hostSeen.push({ url: req.url, headers: req.headers });
      const answer = answers.shift();
      if (answer) answer(req, res);
      else res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': png.length }).end(png);
    });
    await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
    hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
    stack = await startStack({ bff: { previewSecret: SECRET, fileOrigins: [hostOrigin], getToken: recordingToken } });
    // A token provider that is not told of refusals: nothing to retry with.
    plain = await startStack({ bff: { previewSecret: SECRET, fileOrigins: [hostOrigin] } });
  });
  afterAll(async () => {
    await stack.close();
    await plain.close();
    host.closeAllConnections();
    await new Promise((resolve) => host.close(resolve));
  });
  beforeEach(() => {
    hostSeen.length = 0;
    answers.length = 0;
    tokenAsked.length = 0;
    refusedTokens.length = 0;
  });

  const handleFor = (target: Stack, url: string) =>
    signPreview({ url, locationId: target.mock.locationId, conversationId: 'c1', expiresAt: Math.floor(Date.now() / 1000) + 600 }, SECRET);
  const preview = (path = '/files/d/abc', init: RequestInit = {}, target = stack) =>
    fetch(`${target.endpoint}?preview=${handleFor(target, `${hostOrigin}${path}`)}`, init);
  const errorCode = async (response: Response) => ((await response.json()) as { error: { code: string } }).error.code;

  describe('GET ?preview=: what reaches the file host', () => {
    it('reads with the location’s token and the API version, asking the token provider for that location', async () => {
      const response = await preview();
      expect(response.status).toBe(200);
      expect(hostSeen).toHaveLength(1);
      expect(hostSeen[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
      expect(hostSeen[0]!.headers.version).toBe('2021-04-15');
      expect(tokenAsked).toEqual([{ locationId: stack.mock.locationId }]);
      expect(hostSeen[0]!.headers.range).toBeUndefined();
    });

    const ranges: [string, string, boolean][] = [
      ['a single range', 'bytes=0-7', true],
      ['several ranges with spaces', 'bytes=0-1, 4-5', true],
      ['a suffix range', 'bytes=-500', true],
      ['another unit', 'items=0-7', false],
      ['a unit with a prefix', 'xbytes=0-7', false],
      ['a range with trailing text', 'bytes=0-7;evil', false],
      ['letters for numbers', 'bytes=a-b', false],
    ];
    it.each(ranges)('passes on %s only if it is a plain byte range (%s)', async (_, range, passed) => {
      const response = await preview('/files/d/abc', { headers: { Range: range } });
      expect(response.status).toBe(200);
      await response.arrayBuffer();
      expect(hostSeen[0]!.headers.range).toBe(passed ? range : undefined);
    });

    it('answers a partial answer as such, with its range headers, so video can seek', async () => {
      answers.push((_req, res) =>
        res
          .writeHead(206, { 'Content-Type': 'video/mp4', 'Content-Range': 'bytes 0-3/100', 'Accept-Ranges': 'bytes', 'Content-Length': 4 })
          .end('abcd'),
      );
      const response = await preview('/files/d/video', { headers: { Range: 'bytes=0-3' } });
      expect(response.status).toBe(206);
      expect(response.headers.get('content-range')).toBe('bytes 0-3/100');
      expect(response.headers.get('accept-ranges')).toBe('bytes');
      expect(response.headers.get('content-length')).toBe('4');
      expect(await response.text()).toBe('abcd');
    });

    it('gives up on a file host that does not answer: highlevel-timeout (504)', async () => {
      const slow = await startStack({ bff: { previewSecret: SECRET, fileOrigins: [hostOrigin], upstreamTimeoutMs: 300 } });
      try {
        answers.push(() => undefined); // never answers
        const started = Date.now();
        // Our own patience ends well before the test's: a BFF that never gives up fails here, fast.
        const response = await preview('/files/d/slow', { signal: AbortSignal.timeout(5000) }, slow);
        expect(response.status).toBe(504);
        expect(await errorCode(response)).toBe('highlevel-timeout');
        expect(Date.now() - started).toBeLessThan(5000);
      } finally {
        await slow.close();
      }
    });

    it('reports a file host that cannot be reached as highlevel-unavailable (502)', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const closedOrigin = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
      await new Promise((resolve) => closed.close(resolve));
      const gone = await startStack({ bff: { previewSecret: SECRET, fileOrigins: [closedOrigin] } });
      try {
        const response = await fetch(`${gone.endpoint}?preview=${handleFor(gone, `${closedOrigin}/files/d/abc`)}`);
        expect(response.status).toBe(502);
        expect(await errorCode(response)).toBe('highlevel-unavailable');
      } finally {
        await gone.close();
      }
    });
  });

  describe('GET ?preview=: a refused token', () => {
    it('is reported to the token provider, and the read tried once more with its next token', async () => {
      answers.push((_req, res) => res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"message":"Invalid JWT"}'));
      const response = await preview();
      expect(response.status).toBe(200);
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(png);
      expect(hostSeen).toHaveLength(2);
      expect(refusedTokens).toEqual([{ locationId: stack.mock.locationId, token: TOKEN }]);
    });

    it('refused twice: highlevel-auth (502), after exactly two reads', async () => {
      for (let i = 0; i < 2; i += 1) answers.push((_req, res) => res.writeHead(401).end('{}'));
      const response = await preview();
      expect(response.status).toBe(502);
      expect(await errorCode(response)).toBe('highlevel-auth');
      expect(hostSeen).toHaveLength(2);
      expect(refusedTokens).toHaveLength(2);
    });

    it('is not read again when the token provider cannot be told (nothing new to read with)', async () => {
      answers.push((_req, res) => res.writeHead(401).end('{}'));
      const response = await preview('/files/d/abc', {}, plain);
      expect(response.status).toBe(502);
      expect(await errorCode(response)).toBe('highlevel-auth');
      expect(hostSeen).toHaveLength(1);
    });

    it('through a fetch of the host’s own that answers 401 without a body, the same retry', async () => {
      let reads = 0;
      const ownFetch: typeof fetch = async (input, init) => {
        reads += 1;
        return reads === 1 ? new Response(null, { status: 401 }) : fetch(input, init);
      };
      const own = await startStack({ bff: { previewSecret: SECRET, fileOrigins: [hostOrigin], getToken: recordingToken, fetch: ownFetch } });
      try {
        const response = await preview('/files/d/abc', {}, own);
        expect(response.status).toBe(200);
        expect(reads).toBe(2);
        expect(refusedTokens).toHaveLength(1);
      } finally {
        await own.close();
      }
    });

    it('a success is not read twice, and no token is reported refused', async () => {
      const response = await preview();
      await response.arrayBuffer();
      expect(hostSeen).toHaveLength(1);
      expect(refusedTokens).toEqual([]);
    });
  });

  describe('GET ?preview=: the file host’s failures, as our codes', () => {
    const failures: [number, number, string][] = [
      [403, 502, 'highlevel-auth'],
      [404, 404, 'file-not-found'],
      [410, 404, 'file-not-found'],
      [204, 502, 'highlevel-unavailable'],
      [304, 502, 'highlevel-unavailable'],
      [500, 502, 'highlevel-unavailable'],
    ];
    it.each(failures)('%i → %i %s, read once, with no token reported refused', async (upstream, status, code) => {
      answers.push((_req, res) => res.writeHead(upstream).end());
      const response = await preview();
      expect(response.status).toBe(status);
      expect(await errorCode(response)).toBe(code);
      expect(hostSeen).toHaveLength(1);
      expect(refusedTokens).toEqual([]);
      expect(JSON.stringify([...response.headers])).not.toContain(TOKEN);
    });
  });

  describe('GET ?preview=: what the answer carries', () => {
    const answerWith = (headers: Record<string, string | number>, body: string | Uint8Array = 'x') =>
      answers.push((_req, res) => res.writeHead(200, headers).end(body));

    it('a previewable type, however HighLevel spells it, is shown inline under a sandboxing policy', async () => {
      answerWith({ 'Content-Type': 'Image/PNG ; name="a.png"' }, png);
      const response = await preview();
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(response.headers.get('content-disposition')).toBe('inline');
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
      await response.arrayBuffer();
    });

    it('a PDF is shown inline without the sandbox (Chrome would refuse it), but still with nothing else allowed', async () => {
      answerWith({ 'Content-Type': 'application/pdf' }, '%PDF-1.4');
      const response = await preview('/files/d/doc');
      expect(response.headers.get('content-type')).toBe('application/pdf');
      expect(response.headers.get('content-disposition')).toBe('inline');
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none'");
      await response.arrayBuffer();
    });

    it('HTML (or any type not on the list) is never rendered: a sandboxed download of bytes', async () => {
      answerWith({ 'Content-Type': 'text/html; charset=utf-8' }, '<script>alert(1)</script>');
      const response = await preview('/files/d/page');
      expect(response.headers.get('content-type')).toBe('application/octet-stream');
      expect(response.headers.get('content-disposition')).toBe('attachment');
      expect(response.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox");
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      await response.arrayBuffer();
    });

    it('passes on the caching headers HighLevel sends, and nothing else of its headers', async () => {
      answerWith(
        {
          'Content-Type': 'image/png',
          ETag: '"abc123"',
          'Last-Modified': 'Wed, 21 Oct 2026 07:28:00 GMT',
          'Set-Cookie': 'hl-session=secret',
          'X-Internal-Trace': 'node-17',
          'Access-Control-Allow-Origin': '*',
          'Content-Length': png.length,
        },
        png,
      );
      const response = await preview();
      expect(response.headers.get('etag')).toBe('"abc123"');
      expect(response.headers.get('last-modified')).toBe('Wed, 21 Oct 2026 07:28:00 GMT');
      expect(response.headers.get('content-length')).toBe(String(png.length));
      expect(response.headers.get('set-cookie')).toBeNull();
      expect(response.headers.get('x-internal-trace')).toBeNull();
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      await response.arrayBuffer();
    });

    it('makes up none of those headers when HighLevel sends none', async () => {
      answerWith({ 'Content-Type': 'image/png' }, png);
      const response = await preview();
      for (const name of ['etag', 'last-modified', 'content-range', 'accept-ranges']) expect(response.headers.get(name), name).toBeNull();
      await response.arrayBuffer();
    });
  });

  describe('GET ?preview=: only plain file URLs, even in a validly signed link', () => {
    it.each([
      ['a user name alone', (origin: string) => origin.replace('http://', 'http://user@')],
      ['a password alone', (origin: string) => origin.replace('http://', 'http://:pw@')],
    ])('refuses a URL with %s, and reads nothing', async (_, withCredentials) => {
      const response = await fetch(`${stack.endpoint}?preview=${handleFor(stack, `${withCredentials(hostOrigin)}/files/d/abc`)}`);
      expect(response.status).toBe(403);
      expect(await errorCode(response)).toBe('file-url-not-allowed');
      expect(hostSeen).toEqual([]);
    });
  });

  describe('POST: a preview link only for files the server would read', () => {
    it('answers a file on HighLevel’s host with a preview link, and one elsewhere without', async () => {
      const upload = (target: Stack) =>
        fetch(target.endpoint, {
          method: 'POST',
          headers: { 'X-Requested-With': 'ghl-attachments' },
          body: formOf([['conversationId', 'c1'], { name: 'a.png', bytes: png }]),
        }).then(async (response) => ((await response.json()) as UploadResponseBody).files[0]!);
      // `plain` reads files only from the stand-in host: the mock's own file URLs are not for it.
      const elsewhere = await upload(plain);
      expect(elsewhere.url.startsWith(plain.mock.url)).toBe(true);
      expect(elsewhere.previewUrl).toBeUndefined();
      const own = await startStack({ bff: { previewSecret: SECRET } });
      try {
        const file = await upload(own);
        expect(file.previewUrl?.startsWith(`${own.endpoint}?preview=`)).toBe(true);
      } finally {
        await own.close();
      }
    });
  });
});
