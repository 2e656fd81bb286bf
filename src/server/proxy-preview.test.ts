/**
 * `GET ?preview=`: previews read with the server's token, only through links this server signed,
 * for users `authorize` lets read that conversation, and never from anywhere but HighLevel.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadResponseBody, UploadedFile } from '../shared/wire.js';
import { fixture } from '../testing/fixtures.js';
import { formOf } from '../testing/multipart.js';
import { startStack, type Stack } from '../testing/start-stack.js';
import type { AuthorizeContext } from './options.js';
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
