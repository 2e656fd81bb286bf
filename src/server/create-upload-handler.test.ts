import { afterAll, beforeAll, describe, expect, it, beforeEach, vi } from 'vitest';
import type { ErrorResponseBody, UploadResponseBody } from '../shared/wire.js';
import { allFixtures, extraFixtures, fixture, pngOfSize } from '../testing/fixtures.js';
import { formOf, multipartBody } from '../testing/multipart.js';
import { startStack, type Stack } from '../testing/start-stack.js';
import { readFileSync } from 'node:fs';
import { request as httpsRequest, createServer as createHttpsServer } from 'node:https';
import { connect as connectHttp2, createServer as createHttp2Server } from 'node:http2';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type AddressInfo, connect as connectTcp } from 'node:net';
import { rawRequest } from '../testing/raw-request.js';
import { createUploadHandler, staticToken, toNodeHandler } from './index.js';

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

/**
 * The route as an HTTP server shows it: the error answers' headers, the route's own paths and its
 * methods as a route file exports them, what the log says of an upload and of a failure, and the
 * request checks an attacker would probe first (content type, `Host`, absolute-form targets,
 * HTTP/1.0, HTTP/2).
 */
describe('the route as an HTTP server shows it', () => {
  const BOUNDARY = 'edgeBoundary7';
  const logs: { level: string; message: string; data: Record<string, unknown> }[] = [];
  let authorizeThrows = false;
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      mock: { conversations: ['conv1'], rateLimits: { max: 100_000 } },
      bff: {
        authorize: () => {
          if (authorizeThrows) throw new Error('the user database is down (db-7)');
          return true;
        },
        maxUploadsInFlight: 1,
        // Uploads are strangers' until authorize has seen their conversation: one place for those too.
        maxUnauthenticatedInFlight: 1,
        // A held upload (below) gives its slot back within a few seconds.
        clientIdleTimeoutMs: 3000,
        logger: {
          info: (message, data) => logs.push({ level: 'info', message, data: data ?? {} }),
          warn: (message, data) => logs.push({ level: 'warn', message, data: data ?? {} }),
          error: (message, data) => logs.push({ level: 'error', message, data: data ?? {} }),
        },
      },
    });
  });
  afterAll(() => stack.close());
  beforeEach(() => {
    logs.length = 0;
    authorizeThrows = false;
  });

  const filePart = (name: string, body: Uint8Array | string, type = 'application/octet-stream') => ({
    headers: `Content-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${type}`,
    body: Buffer.from(body as Uint8Array),
  });
  const conv = { headers: 'Content-Disposition: form-data; name="conversationId"', body: 'conv1' };
  const upload = (url: string, body: Buffer, headers: Record<string, string | number> = {}) =>
    rawRequest(url, {
      headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, 'Content-Length': body.length, 'X-Requested-With': 'ghl-attachments', ...headers },
      body: [body],
    });
  const pngBody = (name = 'a.png') => multipartBody(BOUNDARY, [conv, filePart(name, fixture('sample.png').bytes, 'image/png')]);

  /** Sends `text` as it is on a TCP connection and resolves with everything answered. */
  function rawHttp(origin: string, text: string): Promise<string> {
    const { hostname, port } = new URL(origin);
    return new Promise((resolve) => {
      const socket = connectTcp(Number(port), hostname, () => socket.end(text));
      let answer = '';
      socket.on('data', (chunk) => (answer += String(chunk)));
      socket.on('close', () => resolve(answer));
      socket.on('error', () => resolve(answer));
    });
  }

  describe('error answers', () => {
    it('are JSON no cache keeps; only a 405 says what is allowed, only a wait says how long', async () => {
      const refused = await upload(stack.endpoint, multipartBody(BOUNDARY, [conv, filePart('a.exe', 'MZ')]));
      expect(refused?.status).toBe(415);
      expect(refused?.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(refused?.headers['cache-control']).toBe('no-store');
      expect(refused?.headers['retry-after']).toBeUndefined();
      expect(refused?.headers.allow).toBeUndefined();
      // Every answer varies by Origin, so that no cache gives one origin's answer to another.
      expect(refused?.headers.vary).toBe('Origin');
      const wrongMethod = await rawRequest(stack.endpoint, { method: 'DELETE' });
      expect(wrongMethod?.status).toBe(405);
      expect(wrongMethod?.headers.allow).toBe('GET, POST, OPTIONS');
    });

    it('a failure of the host’s own code is 500 internal: logged with its cause, nothing of it told to the client', async () => {
      authorizeThrows = true;
      const answer = await upload(stack.endpoint, pngBody());
      expect(answer?.status).toBe(500);
      expect(JSON.parse(answer!.text).error).toEqual({ code: 'internal', message: 'Something went wrong on the server.' });
      expect(answer?.text).not.toContain('db-7');
      expect(logs).toContainEqual({ level: 'error', message: 'upload failed', data: { error: expect.stringContaining('db-7') } });
    });
  });

  describe('what the log says of an upload', () => {
    it('one line per upload: how many files, their bytes, and how long it took', async () => {
      const png = fixture('sample.png').bytes;
      const pdf = fixture('sample.pdf').bytes;
      const started = Date.now();
      const answer = await upload(
        stack.endpoint,
        multipartBody(BOUNDARY, [conv, filePart('a.png', png, 'image/png'), filePart('b.pdf', pdf, 'application/pdf')]),
      );
      expect(answer?.status).toBe(200);
      const line = logs.find((entry) => entry.message === 'uploaded')!;
      expect(line).toMatchObject({ level: 'info', data: { files: 2, bytes: png.length + pdf.length } });
      expect(line.data.ms).toBeGreaterThanOrEqual(0);
      expect(line.data.ms).toBeLessThanOrEqual(Date.now() - started);
    });

    it('the in-flight slot is given back after each upload: one at a time, many in a row', async () => {
      // maxUploadsInFlight is 1 here: a slot not given back would refuse the second.
      for (let i = 0; i < 4; i += 1) expect((await upload(stack.endpoint, pngBody(`n${i}.png`)))?.status).toBe(200);
    });

    it('a busy server says when to come back, in the body and in Retry-After', async () => {
      const held = rawRequest(stack.endpoint, {
        headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, 'Content-Length': 10_000, 'X-Requested-With': 'ghl-attachments' },
        // Its conversation and part of its file: authorized, it holds the only place of known callers.
        body: [pngBody().subarray(0, pngBody().length - 50)],
        end: 'stall',
      });
      // Until the held upload has its slot, an upload still passes: ask until one is refused.
      let busy = await upload(stack.endpoint, pngBody());
      for (let tries = 0; tries < 50 && busy?.status === 200; tries += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        busy = await upload(stack.endpoint, pngBody());
      }
      expect(busy?.status).toBe(503);
      const { error } = JSON.parse(busy!.text);
      expect(error.code).toBe('server-busy');
      expect(error.retryAfter).toBeGreaterThan(0);
      expect(busy?.headers['retry-after']).toBe(String(error.retryAfter));
      expect(error.message).toContain(`${error.retryAfter} s`);
      expect((await held)?.status).toBe(408);
    });
  });

  describe('a client that leaves while HighLevel is still answering', () => {
    it('aborts the request to HighLevel at once: nothing waits for an answer no one will read', async () => {
      let upstream: AbortSignal | undefined;
      // HighLevel reading the whole upload, then taking its time to answer.
      const slowHighLevel: typeof fetch = async (_input, init) => {
        upstream = init?.signal ?? undefined;
        for await (const chunk of init!.body as unknown as AsyncIterable<Uint8Array>) void chunk;
        return new Promise<Response>((_resolve, reject) => upstream?.addEventListener('abort', () => reject(upstream!.reason)));
      };
      const lines: string[] = [];
      const logger = { info: () => undefined, warn: (message: string, data?: unknown) => lines.push(`${message} ${JSON.stringify(data)}`), error: (message: string, data?: unknown) => lines.push(`${message} ${JSON.stringify(data)}`) };
      const slow = await startStack({ bff: { fetch: slowHighLevel, upstreamTimeoutMs: 60_000, logger, previewSecret: 'route-edges-preview-secret-0123456789' } });
      try {
        // The whole upload is sent, then the connection is dropped before the answer.
        void rawRequest(slow.endpoint, {
          headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, 'Content-Length': pngBody().length, 'X-Requested-With': 'ghl-attachments' },
          body: [pngBody(), 300],
          end: 'drop',
        });
        await vi.waitFor(() => expect(upstream).toBeDefined(), { timeout: 5000 });
        await vi.waitFor(() => expect(upstream!.aborted).toBe(true), { timeout: 5000 });
        // A cancel, not HighLevel failing: nothing for the operator to look into.
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(lines).toEqual([]);
      } finally {
        await slow.close();
      }
    });
  });

  describe('one refused file refuses the whole upload', () => {
    it('even when HighLevel reads what was sent and answers it: the answer is the refusal, no URL', async () => {
      // HighLevel reading every byte it is sent, then storing what it got.
      const eagerHighLevel: typeof fetch = async (_input, init) => {
        for await (const chunk of init!.body as unknown as AsyncIterable<Uint8Array>) void chunk;
        return new Response(JSON.stringify({ uploadedFiles: { 'first.png': 'https://files.example/first.png' } }), { status: 200, headers: { 'Content-Type': 'application/json' } });
      };
      const eager = await startStack({ bff: { fetch: eagerHighLevel, previewSecret: 'route-edges-preview-secret-0123456789' } });
      try {
        const body = multipartBody(BOUNDARY, [conv, filePart('first.png', fixture('sample.png').bytes, 'image/png'), filePart('second.exe', 'MZ')]);
        const answer = await upload(eager.endpoint, body);
        expect(answer?.status).toBe(415);
        expect(JSON.parse(answer!.text).error.code).toBe('file-type-not-allowed');
        expect(answer?.text).not.toContain('files.example');
      } finally {
        await eager.close();
      }
    });
  });

  describe('a client that cancels mid-upload', () => {
    it('is not an error of the server: nothing is logged as one, and the next upload passes', async () => {
      const body = multipartBody(BOUNDARY, [conv, filePart('big.png', fixture('sample.png').bytes, 'image/png'), filePart('big2.txt', 'x'.repeat(400_000))]);
      logs.length = 0;
      await rawRequest(stack.endpoint, {
        headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, 'Content-Length': body.length, 'X-Requested-With': 'ghl-attachments' },
        body: [body.subarray(0, 200_000), 200],
        end: 'drop',
      });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(logs.filter((line) => line.level === 'error')).toEqual([]);
      expect((await upload(stack.endpoint, pngBody()))?.status).toBe(200);
    });
  });

  describe('the route’s paths and methods', () => {
    it('a trailing slash, or several, is the same route', async () => {
      for (const suffix of ['/', '//']) {
        const answer = await upload(`${stack.endpoint}${suffix}`, pngBody());
        expect(answer?.status, suffix).toBe(200);
      }
    });

    it('a preview link only for a file the server may read back (fileOrigins)', async () => {
      const elsewhere = await startStack({ bff: { fileOrigins: ['https://files.example'] } });
      try {
        const answer = await upload(elsewhere.endpoint, pngBody());
        expect(answer?.status).toBe(200);
        const [file] = JSON.parse(answer!.text).files;
        expect(file.url).toMatch(/^http:\/\/127\.0\.0\.1:/);
        expect(file.previewUrl).toBeUndefined();
        const [own] = JSON.parse((await upload(stack.endpoint, pngBody()))!.text).files;
        expect(own.previewUrl).toMatch(/\?preview=/);
      } finally {
        await elsewhere.close();
      }
    });

    it('a POST with a multipart type and no body at all, through the fetch handler, is a bad request', async () => {
      const { POST } = createUploadHandler({ authorize: 'anyone', getToken: staticToken(stack.mock.token), locationId: stack.mock.locationId, apiBase: stack.mock.url, rateLimit: false });
      const answer = await POST(new Request('http://app.example/api/attachments', { method: 'POST', headers: { 'Content-Type': 'multipart/form-data; boundary=x', 'X-Requested-With': 'ghl-attachments' } }));
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('bad-request');
    });

    it('GET, POST and OPTIONS as a route file exports them are the whole handler', async () => {
      const { GET, POST, OPTIONS } = createUploadHandler({ authorize: 'anyone', getToken: staticToken(stack.mock.token), locationId: stack.mock.locationId, apiBase: stack.mock.url, rateLimit: false });
      const form = new FormData();
      form.append('conversationId', 'conv1');
      form.append('file', new Blob([fixture('sample.png').bytes as Uint8Array<ArrayBuffer>], { type: 'image/png' }), 'route.png');
      const posted = await POST(new Request('http://app.example/api/attachments', { method: 'POST', body: form, headers: { 'X-Requested-With': 'ghl-attachments' } }));
      expect(posted.status).toBe(200);
      const got = await GET(new Request('http://app.example/api/attachments?preview=nope'));
      expect(got.status).toBe(403);
      const options = await OPTIONS(new Request('http://app.example/api/attachments', { method: 'OPTIONS' }));
      expect(options.headers.get('allow')).toBe('GET, POST, OPTIONS');
    });
  });

  describe('requests an attacker would probe first', () => {
    it('only multipart/form-data with a boundary, named first, is read', async () => {
      const body = pngBody();
      for (const contentType of [`text/plain; x=multipart/form-data; boundary=${BOUNDARY}`, `multipart/form-dataX; boundary=${BOUNDARY}`]) {
        const answer = await upload(stack.endpoint, body, { 'Content-Type': contentType });
        expect(answer?.status, contentType).toBe(415);
        expect(JSON.parse(answer!.text).error.code).toBe('not-multipart');
      }
      expect((await upload(stack.endpoint, body, { 'Content-Type': `multipart/form-data ; boundary=${BOUNDARY}` }))?.status).toBe(200);
    });

    it('a Host with a path after it, or an absolute-form target, is not a request for this route', async () => {
      // The route answering every path of its server, as when it is the whole app.
      const handle = toNodeHandler(createUploadHandler({ authorize: 'anyone', getToken: staticToken(stack.mock.token), locationId: stack.mock.locationId, apiBase: stack.mock.url, rateLimit: false }));
      const server = createServer((req, res) => handle(req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        const control = await rawHttp(origin, `GET /api/attachments?preview=x HTTP/1.1\r\nHost: app.example\r\nConnection: close\r\n\r\n`);
        expect(control).toMatch(/^HTTP\/1\.1 403 /);
        const hostWithPath = await rawHttp(origin, `GET /api/attachments?preview=x HTTP/1.1\r\nHost: evil.example/x\r\nConnection: close\r\n\r\n`);
        expect(hostWithPath).toMatch(/^HTTP\/1\.1 400 /);
        expect(hostWithPath).toContain('"bad-request"');
        const absolute = await rawHttp(origin, `GET ${origin}/api/attachments?preview=x HTTP/1.1\r\nHost: app.example\r\nConnection: close\r\n\r\n`);
        expect(absolute).toMatch(/^HTTP\/1\.1 400 /);
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('HTTP/1.0 without a Host is still answered by the route', async () => {
      const answer = await rawHttp(stack.origin, 'GET /api/attachments?preview=x HTTP/1.0\r\n\r\n');
      expect(answer).toMatch(/^HTTP\/1\.1 403 /);
      expect(answer).toContain('"preview-link-invalid"');
    });

    it('behind TLS, the preview links it hands out are https', async () => {
      const tls = { key: readFileSync(new URL('../testing/tls/localhost-key.pem', import.meta.url)), cert: readFileSync(new URL('../testing/tls/localhost-cert.pem', import.meta.url)) };
      const handle = toNodeHandler(createUploadHandler({ authorize: 'anyone', getToken: staticToken(stack.mock.token), locationId: stack.mock.locationId, apiBase: stack.mock.url, rateLimit: false, previewSecret: 'route-edges-preview-secret-0123456789' }));
      const server = createHttpsServer(tls, (req, res) => handle(req, res));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      try {
        const body = pngBody('secure.png');
        const text = await new Promise<string>((resolve, reject) => {
          const req = httpsRequest(
            { host: '127.0.0.1', port, path: '/api/attachments', method: 'POST', ca: tls.cert, headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, 'Content-Length': body.length, 'X-Requested-With': 'ghl-attachments' } },
            (res) => {
              let answer = '';
              res.on('data', (chunk) => (answer += String(chunk)));
              res.on('end', () => resolve(answer));
            },
          );
          req.on('error', reject);
          req.end(body);
        });
        const [file] = JSON.parse(text).files;
        expect(file.previewUrl).toMatch(new RegExp(`^https://127\\.0\\.0\\.1:${port}/api/attachments\\?preview=`));
      } finally {
        server.closeAllConnections();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('over HTTP/2 (node:http2’s compatibility API), its pseudo-headers are not taken for headers', async () => {
      const handle = toNodeHandler(createUploadHandler({ authorize: 'anyone', getToken: staticToken(stack.mock.token), locationId: stack.mock.locationId, apiBase: stack.mock.url, rateLimit: false }));
      const server = createHttp2Server((req, res) => handle(req as unknown as IncomingMessage, res as unknown as ServerResponse));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const client = connectHttp2(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
      try {
        const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
          const request = client.request({ ':method': 'GET', ':path': '/api/attachments?preview=x' });
          let status = 0;
          let body = '';
          request.on('response', (headers) => (status = Number(headers[':status'])));
          request.on('data', (chunk) => (body += String(chunk)));
          request.on('end', () => resolve({ status, body }));
          request.on('error', reject);
          request.end();
        });
        expect(answer.status).toBe(403);
        expect(JSON.parse(answer.body).error.code).toBe('preview-link-invalid');
      } finally {
        client.close();
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });
});
