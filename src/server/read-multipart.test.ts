import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pngOfSize } from '../testing/fixtures.js';
import { formOf } from '../testing/multipart.js';
import { heldBack, MAX_BYTES_BETWEEN_PARTS, MultipartLimitError, readMultipart, type FilePart } from './read-multipart.js';

/** A real form as fetch encodes it (as a browser does), with its content type. */
async function encoded(form: FormData) {
  const response = new Response(form);
  return { type: response.headers.get('content-type')!, bytes: Buffer.from(await response.arrayBuffer()) };
}

function chunked(bytes: Buffer, size: number): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Readable.from(chunks, { objectMode: false });
}

const LIMITS = { maxFiles: 5, maxFields: 4, maxFieldSize: 256, rateWindowMs: 5000, minBytesPerSecond: 1 };

describe('readMultipart', () => {
  it.each([1, 7, 100, 4096, 65_536, 1_000_000])(
    'proves the exact size of a single file from Content-Length, whatever the chunking (%i-byte chunks)',
    async (chunkSize) => {
      const png = pngOfSize(150_000, 1);
      const { type, bytes } = await encoded(formOf([['conversationId', 'c1'], { name: 'a.png', bytes: png }]));
      const seen: { field?: string; size?: number; bytes?: number }[] = [];
      for await (const part of readMultipart(chunked(bytes, chunkSize), type, LIMITS, bytes.length)) {
        if (part.kind === 'field') seen.push({ field: part.value });
        else {
          let length = 0;
          const bound = (part as FilePart).maxPossibleSize;
          for await (const chunk of part.stream) length += (chunk as Buffer).length;
          seen.push({ size: bound, bytes: length });
        }
      }
      expect(seen).toEqual([{ field: 'c1' }, { size: png.length, bytes: png.length }]);
    },
  );

  it('bounds the first of two files by the rest of the body, never below its real size', async () => {
    const { type, bytes } = await encoded(
      formOf([['conversationId', 'c1'], { name: 'a.png', bytes: pngOfSize(5000) }, { name: 'b.png', bytes: pngOfSize(9000) }]),
    );
    const bounds: number[] = [];
    for await (const part of readMultipart(chunked(bytes, 1000), type, LIMITS, bytes.length)) {
      if (part.kind === 'file') {
        bounds.push(part.maxPossibleSize);
        part.stream.resume();
      }
    }
    expect(bounds[0]).toBeGreaterThan(5000 + 9000);
    expect(bounds[1]).toBe(9000);
  });

  it('knows no bound without a Content-Length', async () => {
    const { type, bytes } = await encoded(formOf([['conversationId', 'c1'], { name: 'a.png', bytes: pngOfSize(3000) }]));
    for await (const part of readMultipart(chunked(bytes, 1000), type, LIMITS)) {
      if (part.kind === 'file') {
        expect(part.maxPossibleSize).toBe(Number.POSITIVE_INFINITY);
        part.stream.resume();
      }
    }
  });
});

describe('heldBack', () => {
  const needle = Buffer.from('\r\n--abc');
  it('counts the tail that could start the boundary', () => {
    expect(heldBack(Buffer.from('data\r\n--a'), needle)).toBe(5);
    expect(heldBack(Buffer.from('data\r'), needle)).toBe(1);
    expect(heldBack(Buffer.from('data'), needle)).toBe(0);
    expect(heldBack(Buffer.from('\r\n--ab'), needle)).toBe(6);
  });
});

describe('readMultipart before the caller has proven it may upload', () => {
  const FORM = `--b\r\nContent-Disposition: form-data; name="conversationId"\r\n\r\nc1\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b--\r\n`;
  const TYPE = 'multipart/form-data; boundary=b';
  const never = new Promise<never>(() => undefined);
  /** A body of these chunks, then its end; `open` leaves it without one. */
  const bodyOf = (chunks: string[], open = false) => {
    const body = new Readable({ read() {} });
    for (const chunk of chunks) body.push(Buffer.from(chunk));
    if (!open) body.push(null);
    return body;
  };
  /** What reading the whole body gives: the parts' names, or the error it stopped with. */
  async function outcome(body: Readable, proof: NonNullable<Parameters<typeof readMultipart>[2]['proof']>) {
    const names: string[] = [];
    try {
      for await (const part of readMultipart(body, TYPE, { ...LIMITS, proof })) {
        names.push(part.name);
        if (part.kind === 'file') part.stream.resume();
      }
      return names;
    } catch (error) {
      return error instanceof MultipartLimitError ? `limit ${error.limit}` : (error as Error).constructor.name;
    }
  }

  it('reads the form when nothing holds it up', async () => {
    expect(await outcome(bodyOf([FORM]), { deadlineMs: 5000, maxBytes: 1024, proven: never })).toEqual(['conversationId', 'file']);
  });

  it('past the deadline without proof, stops as an idle client; proven in time, the deadline is off', async () => {
    const started = Date.now();
    expect(await outcome(bodyOf([FORM.slice(0, 60)], true), { deadlineMs: 200, maxBytes: 1024, proven: never })).toBe('IdleTimeoutError');
    // At the proof's deadline, well before the rate window (5 s) would find the client idle.
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(Date.now() - started).toBeLessThan(4000);
    const late = bodyOf([FORM.slice(0, 60)], true);
    setTimeout(() => {
      late.push(Buffer.from(FORM.slice(60)));
      late.push(null);
    }, 400);
    expect(await outcome(late, { deadlineMs: 200, maxBytes: 1024, proven: Promise.resolve() })).toEqual(['conversationId', 'file']);
  });

  it('its first part must be in within maxBytes: a preamble up to it is read, one byte more is refused', async () => {
    const preamble = 'p'.repeat(100);
    expect(await outcome(bodyOf([preamble, `\r\n${FORM}`]), { deadlineMs: 5000, maxBytes: 100, proven: never })).toEqual(['conversationId', 'file']);
    expect(await outcome(bodyOf([preamble, `\r\n${FORM}`]), { deadlineMs: 5000, maxBytes: 99, proven: never })).toBe('limit proof');
    // Proven, the bound is off.
    const proven = Promise.resolve();
    await proven;
    expect(await outcome(bodyOf([preamble, `\r\n${FORM}`]), { deadlineMs: 5000, maxBytes: 99, proven })).toEqual(['conversationId', 'file']);
  });

  it('evicted before or while the body arrives, stops as evicted; evicted after its proof, reads on', async () => {
    const before = new AbortController();
    before.abort();
    expect(await outcome(bodyOf([FORM]), { deadlineMs: 5000, maxBytes: 1024, proven: never, evicted: before.signal })).toBe('EvictedError');
    const during = new AbortController();
    setTimeout(() => during.abort(), 100);
    expect(await outcome(bodyOf([FORM.slice(0, 60)], true), { deadlineMs: 5000, maxBytes: 1024, proven: never, evicted: during.signal })).toBe('EvictedError');
    const after = new AbortController();
    const proven = Promise.resolve();
    const slow = bodyOf([FORM.slice(0, 60)], true);
    setTimeout(() => after.abort(), 50);
    setTimeout(() => {
      slow.push(Buffer.from(FORM.slice(60)));
      slow.push(null);
    }, 150);
    expect(await outcome(slow, { deadlineMs: 5000, maxBytes: 1024, proven, evicted: after.signal })).toEqual(['conversationId', 'file']);
  });

  it('bytes between parts are bounded after the proof too: an epilogue past the bound stops the read', async () => {
    const proven = Promise.resolve();
    expect(await outcome(bodyOf([FORM, 'e'.repeat(1000)]), { deadlineMs: 5000, maxBytes: 1024, proven })).toEqual(['conversationId', 'file']);
    expect(await outcome(bodyOf([FORM, 'e'.repeat(MAX_BYTES_BETWEEN_PARTS + 1)]), { deadlineMs: 5000, maxBytes: 1024, proven })).toBe('limit between-parts');
  });
});
