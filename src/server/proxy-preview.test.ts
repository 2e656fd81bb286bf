import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadResponseBody } from '../shared/wire.js';
import { fixture } from '../testing/fixtures.js';
import { formOf } from '../testing/multipart.js';
import { startStack, type Stack } from '../testing/start-stack.js';

const TOKEN = 'pit-preview-secret';
let stack: Stack;
let spy: Server;
let spyOrigin: string;
const spySeen: { url?: string; authorization?: string }[] = [];

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
  });
});
afterAll(async () => {
  await stack.close();
  spy.closeAllConnections();
  await new Promise((resolve) => spy.close(resolve));
});

async function uploadPng(): Promise<string> {
  const response = await fetch(stack.endpoint, {
    method: 'POST',
    headers: { 'X-Requested-With': 'ghl-attachments' },
    body: formOf([['conversationId', 'c1'], { name: 'a.png', bytes: fixture('sample.png').bytes }]),
  });
  return ((await response.json()) as UploadResponseBody).files[0]!.url;
}

const preview = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${stack.endpoint}?url=${encodeURIComponent(url)}`, { headers });

describe('GET ?url=: previews that outlive the public hour', () => {
  it('reads an expired secure attachment with the server’s token and streams it back', async () => {
    const url = await uploadPng();
    expect(url).toMatch(/\/files\/d\/[0-9a-f]{32}$/);
    expect((await fetch(url)).status).toBe(401); // public time is over: HighLevel wants a token
    const response = await preview(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    expect(response.headers.get('cache-control')).toBe('private, max-age=300');
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(fixture('sample.png').bytes);
  });

  it('passes a byte range on, so video can seek', async () => {
    const url = await uploadPng();
    const response = await preview(url, { Range: 'bytes=0-7' });
    expect([200, 206]).toContain(response.status);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(bytes.subarray(0, 8)).toEqual(fixture('sample.png').bytes.subarray(0, 8));
  });

  it('answers file-not-found for a file HighLevel does not have', async () => {
    const response = await preview(`${stack.mock.url}/files/d/0123456789abcdef0123456789abcdef`);
    expect(response.status).toBe(404);
    expect((await response.json()).error.code).toBe('file-not-found');
  });
});

describe('GET ?url=: no open proxy', () => {
  const refused: [string, () => string][] = [
    ['another host', () => `${spyOrigin}/files/d/abc`],
    ['another host’s attachment path', () => `${spyOrigin}/conversations-assets/location/loc1/conversations/c1/x.png`],
    ['HighLevel’s host but not a file path', () => `${stack.mock.url}/conversations/messages/upload`],
    ['a path climbing out', () => `${stack.mock.url}/files/%2e%2e/oauth/token`],
    ['credentials in the URL', () => `${stack.mock.url.replace('http://', 'http://user:pw@')}/files/d/abc`],
    ['a javascript: URL', () => 'javascript:alert(1)'],
    ['a file: URL', () => 'file:///etc/passwd'],
    ['no URL', () => ''],
  ];

  it.each(refused)('refuses %s without fetching it', async (_, url) => {
    const before = spySeen.length;
    const response = await preview(url());
    expect(response.status).toBe(403);
    expect((await response.json()).error.code).toBe('file-url-not-allowed');
    expect(spySeen.length).toBe(before);
  });

  it('refuses a page of another site embedding the preview', async () => {
    const url = await uploadPng();
    const response = await preview(url, { 'Sec-Fetch-Site': 'cross-site' });
    expect(response.status).toBe(403);
  });

  it('follows no redirect, even from an allowed file host', async () => {
    const redirecting = await startStack({ bff: { fileOrigins: [spyOrigin] } });
    try {
      const before = spySeen.length;
      const response = await fetch(`${redirecting.endpoint}?url=${encodeURIComponent(`${spyOrigin}/files/redirect`)}`);
      expect(response.status).toBe(502);
      expect((await response.json()).error.code).toBe('highlevel-unavailable');
      expect(spySeen.slice(before).map((seen) => seen.url)).toEqual(['/files/redirect']);
    } finally {
      await redirecting.close();
    }
  });
});
