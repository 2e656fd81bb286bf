/**
 * The BFF's judgement of each file, through the real handler and mock: which bytes pass as text,
 * what a disguised file looks like, the size limit's words, the read-ahead budget on the path
 * where a file's size is not proven, the names HighLevel stores files under; and the body
 * reader's minimum rate, steady or dripping, with a short window.
 */
import { PassThrough, Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { fixture, pngOfSize } from '../testing/fixtures.js';
import { rawRequest } from '../testing/raw-request.js';
import { multipartBody } from '../testing/multipart.js';
import { startStack, type Stack } from '../testing/start-stack.js';
import { UniqueNames } from './prepare-file.js';
import { IdleTimeoutError, MultipartLimitError, readMultipart } from './read-multipart.js';
import { looksLikeText } from './sniff-content.js';

const BOUNDARY = 'fileChecks9';
let stack: Stack;
/** A BFF whose read-ahead budget is smaller than one chunk, to show who takes from it. */
let tight: Stack;

beforeAll(async () => {
  stack = await startStack({ mock: { conversations: ['conv1'], rateLimits: { max: 100_000 } } });
  tight = await startStack({ mock: { conversations: ['conv1'], rateLimits: { max: 100_000 } }, bff: { maxReadAheadBytes: 1024 } });
});
afterAll(async () => {
  await stack.close();
  await tight.close();
});

const conv = { headers: 'Content-Disposition: form-data; name="conversationId"', body: 'conv1' };
const filePart = (name: string, body: Uint8Array | string) => ({
  headers: `Content-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream`,
  body: Buffer.from(body as Uint8Array),
});
const headers = { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, 'X-Requested-With': 'ghl-attachments' };
async function send(target: Stack, files: { name: string; body: Uint8Array | string }[], chunked = false) {
  const body = multipartBody(BOUNDARY, [conv, ...files.map((file) => filePart(file.name, file.body))]);
  const answer = await rawRequest(target.endpoint, {
    headers: chunked ? { ...headers, 'Transfer-Encoding': 'chunked' } : { ...headers, 'Content-Length': body.length },
    body: [body],
  });
  return { status: answer?.status, json: JSON.parse(answer?.text ?? '{}') };
}

describe('text, and what only looks like it', () => {
  it('a PDF renamed .txt is refused even when every byte of it is printable', async () => {
    const pdf = '%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n';
    expect((await send(stack, [{ name: 'notes.pdf', body: pdf }])).status).toBe(200);
    const disguised = await send(stack, [{ name: 'notes.txt', body: pdf }]);
    expect(disguised.status).toBe(415);
    expect(disguised.json.error.code).toBe('file-content-mismatch');
  });

  it('DEL is a control character: a .txt holding one is not text', async () => {
    expect((await send(stack, [{ name: 'a.txt', body: 'plain\x7fbytes\n' }])).json.error?.code).toBe('file-content-mismatch');
    expect((await send(stack, [{ name: 'b.txt', body: 'plain bytes\x1a' }])).status).toBe(200);
  });

  it('only a real byte-order mark makes bytes UTF-16: 0xFF or 0xFE alone is an 8-bit text’s first letter', () => {
    // "ÿA" then a NUL: not UTF-16 (no FF FE), so judged byte by byte, and the NUL refuses it.
    expect(looksLikeText(Uint8Array.from([0xff, 0x41, 0x41, 0x00]))).toBe(false);
    expect(looksLikeText(Uint8Array.from([0xfe, 0x41, 0x00, 0x41]))).toBe(false);
    expect(looksLikeText(Uint8Array.from([0x41, 0xfe, 0x00, 0x41]))).toBe(false);
    expect(looksLikeText(Uint8Array.from([0x41, 0xff, 0x00, 0x41]))).toBe(false);
    // With the mark, the same NUL is half of a UTF-16 letter.
    expect(looksLikeText(Uint8Array.from([0xff, 0xfe, 0x41, 0x00]))).toBe(true);
    expect(looksLikeText(Uint8Array.from([0xfe, 0xff, 0x00, 0x41]))).toBe(true);
  });

  it('a UTF-16 sample cut after an odd byte is judged on its whole letters', () => {
    expect(looksLikeText(Uint8Array.from([0xff, 0xfe, 0x41, 0x00, 0x00]))).toBe(true);
    expect(looksLikeText(Uint8Array.from([0xfe, 0xff, 0x00, 0x41, 0x00]))).toBe(true);
    // A control letter in UTF-16 is still refused.
    expect(looksLikeText(Uint8Array.from([0xff, 0xfe, 0x01, 0x00, 0x41, 0x00]))).toBe(false);
  });
});

describe('sizes and the read-ahead budget', () => {
  it('a file over the limit is refused in words that give the limit', async () => {
    const big = await send(stack, [{ name: 'big.png', body: pngOfSize(5_242_881) }]);
    expect(big.status).toBe(413);
    expect(big.json.error.message).toContain('5 MB');
  });

  it('an empty file in a chunked request (its size unknown until its end arrives) is file-empty', async () => {
    const body = multipartBody(BOUNDARY, [conv, filePart('empty.png', '')]);
    // The part's headers first, its (empty) end a moment later: no bound is known when it starts.
    const cut = body.indexOf('\r\n\r\n', body.indexOf('filename="empty.png"')) + 4;
    const answer = await rawRequest(stack.endpoint, { headers: { ...headers, 'Transfer-Encoding': 'chunked' }, body: [body.subarray(0, cut), 100, body.subarray(cut)] });
    expect(answer?.status).toBe(400);
    expect(JSON.parse(answer!.text).error.code).toBe('file-empty');
  });

  it('only reading ahead takes from the budget: a file whose size the request proves does not', async () => {
    const png = fixture('sample.png').bytes;
    expect((await send(tight, [{ name: 'proven.png', body: pngOfSize(200_000) }])).status).toBe(200);
    // Chunked, the file is read ahead up to the limit: 1 KB of budget is not enough.
    const unproven = await send(tight, [{ name: 'chunked.png', body: pngOfSize(200_000) }], true);
    expect(unproven.status).toBe(503);
    expect(unproven.json.error.code).toBe('server-busy');
    // And the bytes it held were given back: the proven upload still passes.
    expect((await send(tight, [{ name: 'again.png', body: png }])).status).toBe(200);
    // Small chunked files fit the budget, one after another: what each held is given back, no more, no less.
    for (let i = 0; i < 5; i += 1) expect((await send(tight, [{ name: `small${i}.txt`, body: 'x'.repeat(600) }], true)).status, `upload ${i}`).toBe(200);
  });
});

describe('a body cut off in the middle of a file', () => {
  it('is refused as malformed, and nothing of it is stored', async () => {
    const whole = multipartBody(BOUNDARY, [conv, filePart('cut.txt', 'z'.repeat(20_000))]);
    const cut = whole.subarray(0, 10_000);
    const stored = stack.mock.stats.uploadsStored;
    const answer = await rawRequest(stack.endpoint, { headers: { ...headers, 'Content-Length': cut.length }, body: [cut] });
    expect(answer?.status).toBe(400);
    expect(JSON.parse(answer!.text).error.code).toBe('bad-request');
    expect(stack.mock.stats.uploadsStored).toBe(stored);
  });
});

describe('the names HighLevel stores files under', () => {
  it('a double quote travels as a single one; the user’s name comes back as they wrote it', async () => {
    const before = new Set(stack.mock.files.keys());
    const answer = await send(stack, [{ name: 'say \\"hi\\".txt', body: 'hello\n' }]);
    expect(answer.status).toBe(200);
    expect(answer.json.files[0].name).toBe('say "hi".txt');
    const stored = [...stack.mock.files.entries()].filter(([key]) => !before.has(key)).map(([, file]) => file.fileName);
    expect(stored).toEqual(["say 'hi'.txt"]);
  });

  it('a name in UTF-8, as browsers send it raw in the part header, comes back as written', async () => {
    const answer = await send(stack, [{ name: 'Réunion café – notes.txt', body: 'hello\n' }]);
    expect(answer.status).toBe(200);
    expect(answer.json.files[0].name).toBe('Réunion café – notes.txt');
  });

  it('emoji sequences, with their joiners and selectors, and other scripts pass the BFF’s name check too', async () => {
    for (const name of ['👩\u200D💻 報告.txt', '🏳\uFE0F\u200D🌈.txt', 'می\u200Cخواهم.txt']) {
      const answer = await send(stack, [{ name, body: 'hello\n' }]);
      expect(answer.status, name).toBe(200);
      expect(answer.json.files[0].name).toBe(name);
    }
  });

  it('the same name twice or more in one upload gets a number, before its extension', () => {
    const names = new UniqueNames();
    expect(['a.png', 'a.png', 'a.png', 'README', 'README', '.png', '.png'].map((name) => names.take(name))).toEqual([
      'a.png',
      'a (2).png',
      'a (3).png',
      'README',
      'README (2)',
      '.png',
      '.png (2)',
    ]);
  });
});

describe('the body reader’s minimum rate', () => {
  const LIMITS = { maxFiles: 5, maxFields: 3, maxFieldSize: 256, rateWindowMs: 100, minBytesPerSecond: 1000 };
  const type = `multipart/form-data; boundary=${BOUNDARY}`;

  /** Feeds `bytes` in `step`-byte pieces every `everyMs`, then ends. */
  function feed(bytes: Buffer, step: number, everyMs: number) {
    const body = new PassThrough();
    let at = 0;
    const timer = setInterval(() => {
      if (at >= bytes.length) {
        clearInterval(timer);
        body.end();
        return;
      }
      body.write(bytes.subarray(at, at + step));
      at += step;
    }, everyMs);
    return { body, stop: () => clearInterval(timer) };
  }

  async function readAll(body: PassThrough, contentLength: number) {
    for await (const part of readMultipart(body, type, LIMITS, contentLength)) if (part.kind === 'file') part.stream.resume();
  }

  it('a client sending steadily above the minimum, over many windows, is read to the end', async () => {
    const bytes = multipartBody(BOUNDARY, [conv, filePart('a.txt', 'x'.repeat(3000))]);
    // 200 bytes every 20 ms: 10 KB/s against a minimum of 1 KB/s, for about 0.3 s (three windows).
    const { body } = feed(bytes, 200, 20);
    await expect(readAll(body, bytes.length)).resolves.toBeUndefined();
  });

  it('exactly the minimum in a window is enough; one byte less is not', async () => {
    vi.useFakeTimers();
    try {
      const bytes = multipartBody(BOUNDARY, [conv, filePart('a.txt', 'x'.repeat(500))]);
      // 1,000 bytes a second over 100 ms windows: 100 bytes a window.
      const run = async (perWindow: number) => {
        const body = new PassThrough();
        const reading = readAll(body, bytes.length).then(
          () => 'read',
          (error: unknown) => (error instanceof IdleTimeoutError ? 'cut' : 'other'),
        );
        let at = 0;
        for (let window = 0; window < 3 && at < bytes.length; window += 1) {
          body.write(bytes.subarray(at, at + perWindow));
          at += perWindow;
          await vi.advanceTimersByTimeAsync(100);
        }
        body.end(bytes.subarray(at));
        await vi.advanceTimersByTimeAsync(1);
        return reading;
      };
      expect(await run(100)).toBe('read');
      expect(await run(99)).toBe('cut');
    } finally {
      vi.useRealTimers();
    }
  });

  it('a drip under the minimum is cut while it still drips, not when it stops', async () => {
    const bytes = multipartBody(BOUNDARY, [conv, filePart('a.txt', 'x'.repeat(3000))]);
    // 5 bytes every 20 ms: 250 B/s, never silent, for well over a second.
    const { body, stop } = feed(bytes, 5, 20);
    const started = Date.now();
    try {
      await expect(readAll(body, bytes.length)).rejects.toBeInstanceOf(IdleTimeoutError);
      // The drip would go on for about 12 s: it was cut long before.
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      stop();
    }
  });

  it('a quoted boundary (as RFC 2046 allows) still proves a file’s exact size', async () => {
    const bytes = multipartBody('q-bound', [conv, filePart('a.txt', 'y'.repeat(1000))]);
    // In 100-byte chunks: the size is proven from Content-Length before the file's end is seen.
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 100) chunks.push(bytes.subarray(at, at + 100));
    const body = Readable.from(chunks, { objectMode: false });
    const sizes: number[] = [];
    for await (const part of readMultipart(body, 'multipart/form-data; boundary="q-bound"', LIMITS, bytes.length)) {
      if (part.kind === 'file') {
        sizes.push(part.maxPossibleSize);
        part.stream.resume();
      }
    }
    expect(sizes).toEqual([1000]);
  });

  it('the boundary is the `boundary` parameter, not one whose name ends with it', async () => {
    const bytes = multipartBody('q', [conv, filePart('a.txt', 'y'.repeat(1000))]);
    const chunks: Buffer[] = [];
    for (let at = 0; at < bytes.length; at += 100) chunks.push(bytes.subarray(at, at + 100));
    const sizes: number[] = [];
    for await (const part of readMultipart(Readable.from(chunks, { objectMode: false }), `multipart/form-data; xboundary=${'A'.repeat(40)}; boundary=q`, LIMITS, bytes.length)) {
      if (part.kind === 'file') {
        sizes.push(part.maxPossibleSize);
        part.stream.resume();
      }
    }
    expect(sizes).toEqual([1000]);
  });

  it('a chunk that ends inside what could be the boundary still proves the exact size', async () => {
    // The file's own bytes hold "\r\n--" and the boundary's first letters where a chunk ends:
    // the parser holds those back until it knows, and the bound must count them all the same.
    const data = `${'A'.repeat(100)}\r\n--${BOUNDARY.slice(0, 4)}${'B'.repeat(100)}`;
    const bytes = multipartBody(BOUNDARY, [conv, filePart('tricky.txt', data)]);
    const cut = bytes.indexOf(`\r\n--${BOUNDARY.slice(0, 4)}B`) + 2 + 2 + 4;
    const sizes: number[] = [];
    for await (const part of readMultipart(Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)], { objectMode: false }), type, LIMITS, bytes.length)) {
      if (part.kind === 'file') {
        sizes.push(part.maxPossibleSize);
        part.stream.resume();
      }
    }
    expect(sizes).toEqual([Buffer.byteLength(data)]);
  });

  it('more fields than allowed is a limit error that names the fields', async () => {
    const fields = ['a', 'b', 'c', 'd'].map((name) => ({ headers: `Content-Disposition: form-data; name="${name}"`, body: name }));
    const bytes = multipartBody(BOUNDARY, fields);
    const body = new PassThrough();
    body.end(bytes);
    const error = await readAll(body, bytes.length).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(MultipartLimitError);
    expect(error).toMatchObject({ limit: 'fields' });
  });
});
