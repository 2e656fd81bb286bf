import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorResponseBody, UploadResponseBody } from '../shared/wire.js';
import { allFixtures, pngOfSize } from '../testing/fixtures.js';
import { formOf } from '../testing/multipart.js';
import { startStack, type Stack } from '../testing/start-stack.js';

const HEADERS = { 'X-Requested-With': 'ghl-attachments' };
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ mock: { conversations: ['conv1'], rateLimits: { max: 10_000 } } });
});
afterAll(() => stack.close());

let requestsBefore = 0;
let storedBefore = 0;

function mark() {
  requestsBefore = stack.mock.stats.uploadRequests;
  storedBefore = stack.mock.stats.uploadsStored;
}
const upstreamRequests = () => stack.mock.stats.uploadRequests - requestsBefore;
const upstreamStored = () => stack.mock.stats.uploadsStored - storedBefore;

async function post(body: BodyInit, headers: Record<string, string> = HEADERS, target = stack) {
  const response = await fetch(target.endpoint, { method: 'POST', body, headers });
  const text = await response.text();
  expect(text).not.toContain(target.mock.token);
  for (const [, value] of response.headers) expect(value).not.toContain(target.mock.token);
  return { status: response.status, headers: response.headers, json: JSON.parse(text) as UploadResponseBody & ErrorResponseBody };
}

const good = () => formOf([['conversationId', 'conv1'], { name: 'photo.png', bytes: pngOfSize(1000), type: 'image/png' }]);

describe('the BFF route', () => {
  it('streams a file to HighLevel and answers with its URL, type, size and kind', async () => {
    mark();
    const { status, json } = await post(good());
    expect(status).toBe(200);
    expect(json.files).toHaveLength(1);
    expect(json.files[0]).toMatchObject({ name: 'photo.png', mimeType: 'image/png', size: 1000, kind: 'image' });
    const served = await fetch(json.files[0]!.url);
    expect(new Uint8Array(await served.arrayBuffer())).toHaveLength(1000);
    expect(upstreamRequests()).toBe(1);
  });

  it('gives two files of the same name their own URLs, each serving its own bytes', async () => {
    const first = new TextEncoder().encode('first file');
    const second = new TextEncoder().encode('second, longer file');
    const { status, json } = await post(
      formOf([['conversationId', 'conv1'], { name: 'notes.txt', bytes: first }, { name: 'notes.txt', bytes: second }]),
    );
    expect(status).toBe(200);
    expect(json.files.map((file) => file.name)).toEqual(['notes.txt', 'notes.txt']);
    expect(json.files[0]!.url).not.toBe(json.files[1]!.url);
    expect(await (await fetch(json.files[0]!.url)).text()).toBe('first file');
    expect(await (await fetch(json.files[1]!.url)).text()).toBe('second, longer file');
  });

  it.each(allFixtures().map((f) => [f.name, f] as const))('passes a real %s and serves its bytes back', async (_, file) => {
    const { status, json } = await post(
      formOf([['conversationId', 'conv1'], { name: file.name, bytes: file.bytes, type: file.type.mimeTypes[0] }]),
    );
    expect(status).toBe(200);
    expect(json.files[0]).toMatchObject({ name: file.name, size: file.bytes.length, kind: file.type.kind, mimeType: file.type.mimeTypes[0] });
    const served = await fetch(json.files[0]!.url);
    expect(served.headers.get('content-type')).toBe(file.type.mimeTypes[0]);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(file.bytes);
  });

  it('passes a file of exactly the size limit', async () => {
    const { status, json } = await post(formOf([['conversationId', 'conv1'], { name: 'edge.png', bytes: pngOfSize(5_242_880) }]));
    expect(status).toBe(200);
    expect(json.files[0]!.size).toBe(5_242_880);
  });
});

describe('refusals: nothing reaches HighLevel', () => {
  const cases: [string, () => Promise<{ status: number; json: ErrorResponseBody }>, number, string][] = [
    ['no X-Requested-With header', () => post(good(), {}), 403, 'missing-requested-with'],
    ['a foreign Origin', () => post(good(), { ...HEADERS, Origin: 'https://evil.example' }), 403, 'forbidden-origin'],
    ['a cross-site fetch without Origin', () => post(good(), { ...HEADERS, 'Sec-Fetch-Site': 'cross-site' }), 403, 'forbidden-origin'],
    ['a body that is not multipart', () => post(JSON.stringify({ conversationId: 'conv1' }), { ...HEADERS, 'Content-Type': 'application/json' }), 415, 'not-multipart'],
    ['no conversationId', () => post(formOf([{ name: 'a.png', bytes: pngOfSize(10) }])), 400, 'missing-conversation-id'],
    ['a conversationId after the file', () => post(formOf([{ name: 'a.png', bytes: pngOfSize(10) }, ['conversationId', 'conv1']])), 400, 'missing-conversation-id'],
    ['a locationId from the browser', () => post(formOf([['conversationId', 'conv1'], ['locationId', 'other'], { name: 'a.png', bytes: pngOfSize(10) }])), 400, 'bad-request'],
    ['no file', () => post(formOf([['conversationId', 'conv1']])), 400, 'no-files'],
    ['a type not allowed', () => post(formOf([['conversationId', 'conv1'], { name: 'setup.exe', bytes: 'MZ' }])), 415, 'file-type-not-allowed'],
    ['an empty file', () => post(formOf([['conversationId', 'conv1'], { name: 'a.pdf', bytes: '' }])), 400, 'file-empty'],
    ['a name with a path', () => post(formOf([['conversationId', 'conv1'], { name: '../../etc/a.png', bytes: pngOfSize(10) }])), 400, 'invalid-file-name'],
    ['a file one byte over the limit', () => post(formOf([['conversationId', 'conv1'], { name: 'big.png', bytes: pngOfSize(5_242_881) }])), 413, 'file-too-large'],
    ['six files', () => post(formOf([['conversationId', 'conv1'], ...Array.from({ length: 6 }, (_, i) => ({ name: `f${i}.png`, bytes: pngOfSize(10) }))])), 400, 'too-many-files'],
  ];

  it.each(cases)('%s', async (_, send, status, code) => {
    mark();
    const response = await send();
    expect(response.status).toBe(status);
    expect(response.json.error.code).toBe(code);
    expect(response.json.error.message).toMatch(/\w/);
    expect(upstreamStored()).toBe(0);
    if (code !== 'file-too-large' && code !== 'too-many-files') expect(upstreamRequests()).toBe(0);
    // The server still answers the next good request.
    expect((await post(good())).status).toBe(200);
  });

  it('answers DELETE with 405', async () => {
    const response = await fetch(stack.endpoint, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(((await response.json()) as ErrorResponseBody).error.code).toBe('method-not-allowed');
  });
});

describe('HighLevel’s failures, translated', () => {
  it('maps a refused server token to highlevel-auth (502), never passing the token on', async () => {
    const other = await startStack({ bff: { getToken: () => 'a-wrong-secret-token' } });
    try {
      const response = await fetch(other.endpoint, { method: 'POST', body: good(), headers: HEADERS });
      const text = await response.text();
      expect(response.status).toBe(502);
      expect(JSON.parse(text).error.code).toBe('highlevel-auth');
      expect(text).not.toContain('a-wrong-secret-token');
    } finally {
      await other.close();
    }
  });

  it('maps an unknown conversation to conversation-not-found (404)', async () => {
    const response = await post(formOf([['conversationId', 'nope'], { name: 'a.png', bytes: pngOfSize(10) }]));
    expect(response.status).toBe(404);
    expect(response.json.error.code).toBe('conversation-not-found');
  });

  it('maps HighLevel’s own 413 to file-too-large', async () => {
    const small = await startStack({ mock: { maxFileSize: 100 } });
    try {
      const response = await post(formOf([['conversationId', 'c'], { name: 'a.png', bytes: pngOfSize(101) }]), HEADERS, small);
      expect(response.status).toBe(413);
      expect(response.json.error.code).toBe('file-too-large');
    } finally {
      await small.close();
    }
  });

  it('maps 429 to rate-limited, passing a bounded Retry-After on', async () => {
    const limited = await startStack({ mock: { rateLimits: { max: 1, intervalMs: 3_600_000 } } });
    try {
      const form = () => formOf([['conversationId', 'c'], { name: 'a.png', bytes: pngOfSize(10) }]);
      expect((await post(form(), HEADERS, limited)).status).toBe(200);
      const response = await post(form(), HEADERS, limited);
      expect(response.status).toBe(429);
      expect(response.json.error.code).toBe('rate-limited');
      expect(response.json.error.retryAfter).toBe(60);
      expect(response.headers.get('retry-after')).toBe('60');
    } finally {
      await limited.close();
    }
  });

  it('maps an unreachable HighLevel to highlevel-unavailable (502)', async () => {
    const down = await startStack({ bff: { apiBase: 'http://127.0.0.1:9' } });
    try {
      const response = await post(good(), HEADERS, down);
      expect(response.status).toBe(502);
      expect(response.json.error.code).toBe('highlevel-unavailable');
    } finally {
      await down.close();
    }
  });
});
