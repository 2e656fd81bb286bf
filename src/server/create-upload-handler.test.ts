import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorResponseBody, UploadResponseBody } from '../shared/wire.js';
import { allFixtures, extraFixtures, fixture, pngOfSize } from '../testing/fixtures.js';
import { createUploadHandler } from './create-upload-handler.js';
import { formOf } from '../testing/multipart.js';
import { startStack, type Stack } from '../testing/start-stack.js';

const HEADERS = { 'X-Requested-With': 'ghl-attachments' };
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ mock: { conversations: ['conv1'], rateLimits: { max: 10_000 } } });
});
afterAll(() => stack.close());

let requestsBefore = 0;

function mark() {
  requestsBefore = stack.mock.stats.uploadRequests;
}
const upstreamRequests = () => stack.mock.stats.uploadRequests - requestsBefore;

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

// Refusals, hostile input and every upstream fault: hostile-input.test.ts.
describe('other methods', () => {
  it('answers DELETE with 405', async () => {
    const response = await fetch(stack.endpoint, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(((await response.json()) as ErrorResponseBody).error.code).toBe('method-not-allowed');
  });
});

describe('the route’s own paths', () => {
  it('a request line of 15,000 slashes costs what any request costs (the path’s end is found in one pass)', async () => {
    const target = `${stack.endpoint}${'/'.repeat(15_000)}x`;
    const started = performance.now();
    for (let i = 0; i < 20; i += 1) {
      const answer = await fetch(target);
      await answer.arrayBuffer();
      expect(answer.status).toBeLessThan(500);
    }
    // Each took over 250 ms of the event loop when the slashes were trimmed with /\/+$/.
    expect(performance.now() - started).toBeLessThan(3000);
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

describe('allowed types by id, and beyond HighLevel’s 13 documented types', () => {
  const EXTRA = ['GIF', 'WEBP', 'HEIC', 'CSV', 'XLS', 'XLSX', 'PPT', 'PPTX'] as const;
  let extra: Stack;
  beforeAll(async () => {
    extra = await startStack({ bff: { allowedTypes: ['PDF', ...EXTRA] }, mock: { allowedTypes: ['PDF', ...EXTRA] } });
  });
  afterAll(() => extra.close());

  it.each(extraFixtures().map((f) => [f.name, f] as const))('passes a real %s when allowed by id, and serves it back', async (_, file) => {
    const { status, json } = await post(formOf([['conversationId', 'c1'], { name: file.name, bytes: file.bytes }]), HEADERS, extra);
    expect(status, JSON.stringify(json)).toBe(200);
    expect(json.files[0]).toMatchObject({ mimeType: file.type.mimeTypes[0], kind: file.type.kind, size: file.bytes.length });
    expect(new Uint8Array(await (await fetch(json.files[0]!.url)).arrayBuffer())).toEqual(file.bytes);
  });

  it('refuses what the list leaves out, and checks the content of the extra types', async () => {
    const png = await post(formOf([['conversationId', 'c1'], { name: 'a.png', bytes: pngOfSize(100) }]), HEADERS, extra);
    expect(png.status).toBe(415);
    expect(png.json.error.code).toBe('file-type-not-allowed');
    expect(png.json.error.message).toContain('PDF, GIF, WEBP, HEIC, CSV, XLS, XLSX, PPT, PPTX');
    const disguised = await post(formOf([['conversationId', 'c1'], { name: 'a.webp', bytes: fixture('sample.gif').bytes }]), HEADERS, extra);
    expect(disguised.status).toBe(415);
    expect(disguised.json.error.code).toBe('file-content-mismatch');
    const binaryCsv = await post(formOf([['conversationId', 'c1'], { name: 'a.csv', bytes: fixture('sample.xls').bytes }]), HEADERS, extra);
    expect(binaryCsv.json.error.code).toBe('file-content-mismatch');
  });

  it('takes a type of the caller’s own with no content check only when it says so', async () => {
    const vcard = { id: 'VCF', extensions: ['.vcf'], mimeTypes: ['text/vcard'], kind: 'file', magic: 'unchecked' } as const;
    const own = await startStack({ bff: { allowedTypes: [vcard] }, mock: { allowedTypes: [vcard] } });
    try {
      const { status } = await post(formOf([['conversationId', 'c1'], { name: 'card.vcf', bytes: new Uint8Array([0, 1, 2]) }]), HEADERS, own);
      expect(status).toBe(200);
    } finally {
      await own.close();
    }
  });

  it('fails at start-up on an unknown id, naming it', () => {
    // @ts-expect-error: not a known id
    expect(() => createUploadHandler({ authorize: 'anyone', getToken: () => 't', locationId: 'l', allowedTypes: ['PDF', 'EXE'] })).toThrow(/Unknown file type "EXE"/);
  });
});
