import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { pngOfSize } from '../testing/fixtures.js';
import { formOf } from '../testing/multipart.js';
import { heldBack, readMultipart, type FilePart } from './read-multipart.js';

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
