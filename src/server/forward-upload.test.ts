/**
 * Forwarding an upload to HighLevel, at its edges: exactly what reaches HighLevel and with which
 * headers (through Node's HTTP client and through a caller's `fetch`), what the operator's log
 * says when HighLevel refuses or cannot be reached (and that the token is never in it), answers
 * HighLevel gives that are not what they should be, fields where only files may come, and the
 * request's declared size at its limit. The BFF is the real one; HighLevel is the real mock, or a
 * recording stand-in on loopback where a test must see the bytes or choose the answer.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { formatBytes } from '../shared/limits.js';
import type { UploadResponseBody } from '../shared/wire.js';
import { pngOfSize } from '../testing/fixtures.js';
import { formOf, type FilePartSpec, multipartBody } from '../testing/multipart.js';
import { startStack, type Stack } from '../testing/start-stack.js';
import { createUploadHandler, staticToken } from './index.js';
import type { TokenContext, TokenProvider } from './options.js';

const TOKEN = 'pit-forward-edges-token-0123456789';
const logs: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
const logger = {
  info: (message: string, fields?: Record<string, unknown>) => void logs.push({ level: 'info', message, fields }),
  warn: (message: string, fields?: Record<string, unknown>) => void logs.push({ level: 'warn', message, fields }),
  error: (message: string, fields?: Record<string, unknown>) => void logs.push({ level: 'error', message, fields }),
};

const refused: unknown[] = [];
const recordingToken: TokenProvider = Object.assign(() => TOKEN, {
  refused: (context: TokenContext & { token: string }) => void refused.push(context),
});

/** A HighLevel stand-in that records each upload and answers what the test queued (or success). */
let recorder: Server;
let recorderUrl: string;
const received: { method?: string; url?: string; headers: IncomingHttpHeaders; body: string }[] = [];
const answers: ((res: ServerResponse) => void)[] = [];

let stack: Stack; // the real mock as HighLevel, with a logger and a token provider told of refusals
let recorded: Stack; // the recording stand-in as HighLevel
let silent: Stack; // the real mock, and no logger at all (the default)

beforeAll(async () => {
  recorder = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('latin1');
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      const answer = answers.shift();
      if (answer) return answer(res);
      const names = [...body.matchAll(/filename="([^"]+)"/g)].map((match) => match[1]!);
      res
        .writeHead(200, { 'Content-Type': 'application/json' })
        .end(JSON.stringify({ uploadedFiles: Object.fromEntries(names.map((name) => [name, `https://files.example/${name}`])) }));
    });
  });
  await new Promise<void>((resolve) => recorder.listen(0, '127.0.0.1', resolve));
  recorderUrl = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
  stack = await startStack({
    mock: { tokens: [{ token: TOKEN, locationId: 'loc1' }] },
    bff: { logger, getToken: recordingToken, maxFilesPerRequest: 2 },
  });
  recorded = await startStack({ bff: { logger, getToken: staticToken(TOKEN), locationId: 'loc-rec', apiBase: recorderUrl } });
  silent = await startStack({ mock: { tokens: [{ token: TOKEN, locationId: 'loc1' }] }, bff: { getToken: staticToken(TOKEN) } });
});
afterAll(async () => {
  await Promise.all([stack.close(), recorded.close(), silent.close()]);
  recorder.closeAllConnections();
  await new Promise((resolve) => recorder.close(resolve));
});
beforeEach(() => {
  logs.length = 0;
  refused.length = 0;
  received.length = 0;
  answers.length = 0;
});

const png = (size = 2048) => pngOfSize(size);
const post = (target: Stack, entries: ([string, string] | FilePartSpec)[]) =>
  fetch(target.endpoint, { method: 'POST', headers: { 'X-Requested-With': 'ghl-attachments' }, body: formOf(entries) });
const errorOf = async (response: Response) => ((await response.json()) as { error: { code: string; message: string } }).error;
const answerJson = (status: number, body: unknown) => (res: ServerResponse) =>
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
const everything = () => JSON.stringify(logs);

describe('what reaches HighLevel', () => {
  it('one POST to the upload path, with the token, the API version, a JSON Accept and the form’s boundary', async () => {
    const response = await post(recorded, [['conversationId', 'conv-9'], { name: 'a.png', bytes: png() }]);
    expect(response.status).toBe(200);
    expect(received).toHaveLength(1);
    const [seen] = received;
    expect(seen!.method).toBe('POST');
    expect(seen!.url).toBe('/conversations/messages/upload');
    expect(seen!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen!.headers.version).toBe('2021-04-15');
    expect(seen!.headers.accept).toBe('application/json');
    expect(seen!.headers['content-type']).toMatch(/^multipart\/form-data; boundary=\S+$/);
    // The server's location, never one from the browser, and the browser's conversation.
    expect(seen!.body).toMatch(/name="locationId"\r\n\r\nloc-rec\r\n/);
    expect(seen!.body).toMatch(/name="conversationId"\r\n\r\nconv-9\r\n/);
  });

  it('through a caller’s fetch (runtimes without node:http): the same upload, no redirect followed', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const viaFetch = await startStack({
      mock: { tokens: [{ token: TOKEN, locationId: 'loc1' }] },
      bff: {
        getToken: recordingToken,
        fetch: (input, init) => {
          calls.push({ url: String(input), init: init! });
          return globalThis.fetch(input, init);
        },
      },
    });
    try {
      const response = await post(viaFetch, [['conversationId', 'c1'], { name: 'a.png', bytes: png() }]);
      expect(response.status).toBe(200);
      const body = (await response.json()) as UploadResponseBody;
      expect(body.files[0]!.url.startsWith(viaFetch.mock.url)).toBe(true);
      expect(viaFetch.mock.stats.uploadsStored).toBe(1);
      expect(calls).toHaveLength(1);
      expect(calls[0]!.url).toBe(`${viaFetch.mock.url}/conversations/messages/upload`);
      expect(calls[0]!.init.method).toBe('POST');
      expect(calls[0]!.init.redirect).toBe('manual');

      // HighLevel's refusal comes back the same way, and the refused token is reported.
      viaFetch.mock.failNext({ kind: 'answer', status: 401, body: { statusCode: 401, message: 'Invalid JWT' } });
      const refusedAnswer = await post(viaFetch, [['conversationId', 'c1'], { name: 'a.png', bytes: png() }]);
      expect(refusedAnswer.status).toBe(502);
      expect((await errorOf(refusedAnswer)).code).toBe('highlevel-auth');
      expect(refused).toEqual([{ locationId: viaFetch.mock.locationId, token: TOKEN }]);
    } finally {
      await viaFetch.close();
    }
  });
});

describe('a refused token', () => {
  it('401: reported to the token provider with its location, so it is not handed out again', async () => {
    stack.mock.failNext({ kind: 'answer', status: 401, body: { statusCode: 401, message: 'Invalid JWT' } });
    const response = await post(stack, [['conversationId', 'c1'], { name: 'a.png', bytes: png() }]);
    expect(response.status).toBe(502);
    expect((await errorOf(response)).code).toBe('highlevel-auth');
    expect(refused).toEqual([{ locationId: 'loc1', token: TOKEN }]);
  });

  it('403 (a token without access) and other refusals: the token is not reported', async () => {
    stack.mock.failNext({ kind: 'answer', status: 403, body: { statusCode: 403, message: 'No access' } });
    expect((await post(stack, [['conversationId', 'c1'], { name: 'a.png', bytes: png() }])).status).toBe(502);
    expect((await post(stack, [['conversationId', 'c1'], { name: 'a.png', bytes: png() }])).status).toBe(200);
    expect(refused).toEqual([]);
  });
});

describe('what the operator’s log says, never with the token', () => {
  it('HighLevel unreachable: highlevel-unavailable (502), and the log says why', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const gone = await startStack({ bff: { logger, apiBase: closedUrl, getToken: staticToken(TOKEN) } });
    try {
      const response = await post(gone, [['conversationId', 'c1'], { name: 'a.png', bytes: png() }]);
      expect(response.status).toBe(502);
      expect((await errorOf(response)).code).toBe('highlevel-unavailable');
      const warning = logs.find((line) => line.level === 'warn' && line.fields?.error !== undefined);
      expect(warning?.message).toMatch(/HighLevel/);
      expect(String(warning?.fields?.error)).toMatch(/ECONNREFUSED/);
      expect(everything()).not.toContain(TOKEN);
    } finally {
      await gone.close();
    }
  });

  it('HighLevel refuses and echoes credentials: the log has its status and at most 500 characters, every credential redacted', async () => {
    const echoed = `bad request for ${TOKEN}; Authorization: Bearer    another-credential-xyz and ${'detail '.repeat(200)}`;
    answers.push(answerJson(400, { message: echoed }));
    const response = await post(recorded, [['conversationId', 'c1'], { name: 'a.png', bytes: png() }]);
    expect(response.status).toBe(502);
    const text = await response.clone().text();
    expect((await errorOf(response)).code).toBe('highlevel-rejected');
    const warning = logs.find((line) => line.level === 'warn');
    expect(warning?.message).toMatch(/HighLevel/);
    expect(warning?.fields?.status).toBe(400);
    const body = String(warning?.fields?.body);
    expect(body.length).toBe(500);
    expect(body).toContain('bad request for [token]');
    expect(body).toContain('Authorization: Bearer [token] and ');
    expect(everything()).not.toContain(TOKEN);
    expect(everything()).not.toContain('another-credential-xyz');
    // And none of it reaches the browser.
    expect(JSON.stringify([...response.headers])).not.toContain(TOKEN);
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('another-credential-xyz');
  });

  it('HighLevel answers 200 without a URL for a file: highlevel-rejected, and the log names the file', async () => {
    answers.push(answerJson(200, { uploadedFiles: {} }));
    const response = await post(recorded, [['conversationId', 'c1'], { name: 'lost.png', bytes: png() }]);
    expect(response.status).toBe(502);
    expect((await errorOf(response)).code).toBe('highlevel-rejected');
    const warning = logs.find((line) => line.level === 'warn');
    expect(warning?.message).toMatch(/URL/);
    expect(warning?.fields).toEqual({ file: 'lost.png' });
  });
});

describe('answers HighLevel should not give', () => {
  const odd: [string, (res: ServerResponse) => void][] = [
    ['200 with an HTML page', answerJson(200, '<html>maintenance</html>')],
    ['200 with JSON null', answerJson(200, 'null')],
    ['200 with a URL that only contains http:// further on', answerJson(200, { uploadedFiles: { 'a.png': 'javascript:alert("https://x")' } })],
    ['200 with a relative URL', answerJson(200, { uploadedFiles: { 'a.png': '/files/a.png' } })],
    // An array prints as its one URL: only a string is a URL.
    ['200 with the URL inside an array', answerJson(200, { uploadedFiles: { 'a.png': ['https://files.example/a.png'] } })],
  ];
  it.each(odd)('%s: highlevel-rejected (502), even with no logger configured', async (_, answer) => {
    answers.push(answer);
    const quiet = await startStack({ bff: { getToken: staticToken(TOKEN), apiBase: recorderUrl, locationId: 'loc-rec' } });
    try {
      const response = await post(quiet, [['conversationId', 'c1'], { name: 'a.png', bytes: png() }]);
      expect(response.status).toBe(502);
      expect((await errorOf(response)).code).toBe('highlevel-rejected');
    } finally {
      await quiet.close();
    }
  });

  it('any 2xx with a URL for each file is success, up to 299', async () => {
    answers.push(answerJson(299, { uploadedFiles: { 'a.png': 'https://files.example/a.png' } }));
    const response = await post(recorded, [['conversationId', 'c1'], { name: 'a.png', bytes: png() }]);
    expect(response.status).toBe(200);
    expect(((await response.json()) as UploadResponseBody).files[0]!.url).toBe('https://files.example/a.png');
  });

  it('an HTTPS URL in capitals is a URL all the same', async () => {
    answers.push(answerJson(200, { uploadedFiles: { 'a.png': 'HTTPS://files.example/a.png' } }));
    const response = await post(recorded, [['conversationId', 'c1'], { name: 'a.png', bytes: png() }]);
    expect(response.status).toBe(200);
  });
});

describe('the form: fields first, then files only', () => {
  const refusals: [string, ([string, string] | FilePartSpec)[], string][] = [
    ['another field in place of the conversation id', [['locationId', 'someone-else'], { name: 'a.png', bytes: png() }], 'bad-request'],
    ['a text field named like the files, after a file', [['conversationId', 'c1'], { name: 'a.png', bytes: png() }, ['file', 'not a file']], 'bad-request'],
    ['the conversation id again after a file', [['conversationId', 'c1'], { name: 'a.png', bytes: png() }, ['conversationId', 'c2']], 'bad-request'],
    ['another field after a file', [['conversationId', 'c1'], { name: 'a.png', bytes: png() }, ['locationId', 'someone-else']], 'bad-request'],
    [
      'a field between two files',
      [['conversationId', 'c1'], { name: 'a.png', bytes: png() }, ['note', 'x'], { name: 'b.png', bytes: png() }],
      'bad-request',
    ],
  ];
  it.each(refusals)('refuses %s: 400', async (_, entries, code) => {
    const response = await post(stack, entries);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe(code);
  });

  it('two files after the field are both forwarded', async () => {
    const response = await post(recorded, [['conversationId', 'c1'], { name: 'a.png', bytes: png() }, { name: 'b.png', bytes: png() }]);
    expect(response.status).toBe(200);
    expect(((await response.json()) as UploadResponseBody).files.map((file) => file.name)).toEqual(['a.png', 'b.png']);
  });

  it('more files than allowed: too-many-files, naming the limit', async () => {
    const response = await post(stack, [
      ['conversationId', 'c1'],
      { name: 'a.png', bytes: png() },
      { name: 'b.png', bytes: png() },
      { name: 'c.png', bytes: png() },
    ]);
    expect(response.status).toBe(400);
    const error = await errorOf(response);
    expect(error.code).toBe('too-many-files');
    expect(error.message).toContain('(2 max)');
  });

  it('many fields before any file: bad-request, not a files limit', async () => {
    const fields: [string, string][] = [['conversationId', 'c1'], ['a', '1'], ['b', '2'], ['c', '3'], ['d', '4'], ['e', '5']];
    const response = await post(stack, [...fields, { name: 'a.png', bytes: png() }]);
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('bad-request');
  });
});

describe('the declared size of the request', () => {
  const MAX = 1000;
  const BOUNDARY = 'edgeBoundary7';
  const handler = (maxFileSize = MAX) =>
    createUploadHandler({
      authorize: 'anyone',
      rateLimit: false,
      getToken: staticToken(stack.mock.token),
      locationId: 'loc1',
      apiBase: stack.mock.url,
      maxFileSize,
      maxFilesPerRequest: 1,
    });
  const request = (body: Buffer, contentLength: string) =>
    new Request('http://bff.test/api/attachments', {
      method: 'POST',
      headers: {
        'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
        'Content-Length': contentLength,
        'X-Requested-With': 'ghl-attachments',
      },
      body: new Uint8Array(body),
    });
  const formOfSize = (total: number) => {
    const form = multipartBody(BOUNDARY, [
      { headers: 'Content-Disposition: form-data; name="conversationId"', body: 'c1' },
      { headers: 'Content-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png', body: Buffer.from(pngOfSize(500)) },
    ]);
    // Whatever follows the closing boundary is the form's epilogue: ignored, but counted.
    return Buffer.concat([form, Buffer.alloc(total - form.length, 0x20)]);
  };

  it.each(['12abc', 'abc12', '1e3', '-5', ''])('a Content-Length that is not a plain number (%j): bad-request', async (length) => {
    const body = formOfSize(2000);
    const response = await handler()(request(body, length));
    expect(response.status).toBe(400);
    expect((await errorOf(response)).code).toBe('bad-request');
  });

  it('exactly the largest request the limits allow (one file at the limit, plus room for the form) is forwarded', async () => {
    const limit = 1 * (MAX + 16 * 1024);
    const response = await handler()(request(formOfSize(limit), String(limit)));
    expect(response.status).toBe(200);
  });

  it('one byte more: file-too-large (413) from the declared length alone, naming the limit', async () => {
    const limit = 1 * (MAX + 16 * 1024);
    const before = stack.mock.stats.uploadRequests;
    const response = await handler()(request(formOfSize(limit + 1), String(limit + 1)));
    expect(response.status).toBe(413);
    const error = await errorOf(response);
    expect(error.code).toBe('file-too-large');
    expect(error.message).toContain(`(${formatBytes(MAX)} max)`);
    expect(stack.mock.stats.uploadRequests).toBe(before);
  });

  it('a file over the limit inside a request whose length allows it: file-too-large, nothing stored', async () => {
    const form = multipartBody(BOUNDARY, [
      { headers: 'Content-Disposition: form-data; name="conversationId"', body: 'c1' },
      { headers: 'Content-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png', body: Buffer.from(pngOfSize(MAX + 400)) },
    ]);
    const stored = stack.mock.stats.uploadsStored;
    const response = await handler()(request(form, String(form.length)));
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('file-too-large');
    expect(stack.mock.stats.uploadsStored).toBe(stored);
  });
  it('a body longer than its declared Content-Length (a runtime that does not enforce it) cannot slip a file over the limit past the check', async () => {
    const part = (size: number) =>
      multipartBody(BOUNDARY, [
        { headers: 'Content-Disposition: form-data; name="conversationId"', body: 'c1' },
        { headers: 'Content-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png', body: Buffer.from(pngOfSize(size)) },
      ]);
    // The declared length proves the file fits; the bytes that come say otherwise. (Larger than
    // what is sniffed of a file's head, so that only the count while forwarding can see it.)
    const limit = 10_000;
    const declared = part(6000).length;
    const stored = stack.mock.stats.uploadsStored;
    // The file's bytes come in two pieces, the way a network delivers them.
    const body = part(limit + 2000);
    const pieces = [body.subarray(0, 5000), body.subarray(5000, 9000), body.subarray(9000)];
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const piece = pieces.shift();
        if (!piece) return controller.close();
        controller.enqueue(new Uint8Array(piece));
        await new Promise((resolve) => setTimeout(resolve, 20));
      },
    });
    const lying = new Request('http://bff.test/api/attachments', {
      method: 'POST',
      headers: {
        'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
        'Content-Length': String(declared),
        'X-Requested-With': 'ghl-attachments',
      },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    const response = await handler(limit)(lying);
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('file-too-large');
    expect(stack.mock.stats.uploadsStored).toBe(stored);
  });
});

describe('no logger configured', () => {
  it('HighLevel unreachable still answers highlevel-unavailable (nothing to log to)', async () => {
    silent.mock.failNext({ kind: 'reset' });
    const response = await post(silent, [['conversationId', 'c1'], { name: 'a.png', bytes: png() }]);
    expect(response.status).toBe(502);
    expect((await errorOf(response)).code).toBe('highlevel-unavailable');
  });
});

describe('a stranger’s upload that gives its place to a newcomer', () => {
  it('is answered 503 server-busy with the wait, and the newcomer’s upload is stored', async () => {
    const strangers = await startStack({
      mock: { tokens: [{ token: TOKEN, locationId: 'loc1' }] },
      bff: { getToken: staticToken(TOKEN), authorize: () => true, maxUnauthenticatedInFlight: 1, maxUnauthenticatedPerAddress: 100 },
    });
    const { createConnection } = await import('node:net');
    const url = new URL(strangers.endpoint);
    const socket = createConnection({ host: url.hostname, port: Number(url.port) });
    try {
      let heard = '';
      socket.setEncoding('latin1').on('data', (chunk: string) => (heard += chunk));
      await new Promise((resolve) => socket.once('connect', resolve));
      // A form whose conversation field has not come yet: its place is a stranger's, evictable.
      socket.write(
        `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nX-Requested-With: ghl-attachments\r\n` +
          'Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\n',
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      const newcomer = await post(strangers, [['conversationId', 'c1'], { name: 'a.png', bytes: png(), type: 'image/png' }]);
      expect(newcomer.status).toBe(200);
      await vi.waitFor(() => expect(heard).toMatch(/\{"error".*\}\}/), { timeout: 5000 });
      expect(heard).toMatch(/^HTTP\/1\.1 503 /);
      expect(heard.toLowerCase()).toContain('retry-after: 5\r\n');
      const body = JSON.parse(/\{"error".*\}\}/.exec(heard)![0]) as { error: { code: string; message: string; retryAfter: number } };
      expect(body.error).toMatchObject({ code: 'server-busy', retryAfter: 5 });
      expect(body.error.message).toContain('5 s');
    } finally {
      socket.destroy();
      await strangers.close();
    }
  });
});
