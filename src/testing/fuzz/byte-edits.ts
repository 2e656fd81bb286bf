/**
 * Byte-level damage to a head or a body, as fast-check draws it: bits flipped, bytes deleted,
 * inserted, duplicated or overwritten, and tokens that mean something to a parser (line breaks,
 * quotes, the form's own boundary) put in. Where each goes is a fraction of the bytes it finds.
 */
import fc from 'fast-check';
import { bin, CRLF } from './draft.js';
import { fraction } from './draws.js';

/** One edit of the bytes, applied to what the edits before it left. */
export type ByteEdit =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'delete'; at: number; length: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'insert-token'; at: number; token: string }
  | { op: 'insert-boundary'; at: number; spelling: number }
  | { op: 'duplicate'; at: number; length: number }
  | { op: 'overwrite'; at: number; bytes: Uint8Array };

const INTERESTING = [
  CRLF,
  `${CRLF}${CRLF}`,
  '\n',
  '\r',
  '--',
  '"',
  ';',
  '=',
  ' ',
  '\t',
  '\u0000',
  '\u00ff',
  '\u0080',
  'Content-Disposition: form-data; name="file"; filename="x.png"\r\n\r\n',
  'Content-Disposition: form-data; name="conversationId"\r\n\r\nfz-0\r\n',
  'Content-Type: text/plain\r\n',
  '%00',
  '\\',
];

/** The boundary as a parser meets it: a delimiter, the closing one, bare, or one byte short. */
const boundaryTokens = (boundary: string) => [`${CRLF}--${boundary}${CRLF}`, `${CRLF}--${boundary}--${CRLF}`, `--${boundary}`, `${CRLF}--${boundary.slice(0, -1)}`];

/** Mostly one byte, sometimes a run of up to `max`. */
const fewBytes = (max: number) => fc.oneof({ weight: 7, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 1 }) }, { weight: 3, arbitrary: fc.uint8Array({ minLength: 2, maxLength: max }) });

export const byteEditArbitrary: fc.Arbitrary<ByteEdit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('flip' as const), at: fraction, bit: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fraction, length: fc.oneof({ weight: 7, arbitrary: fc.constant(1) }, { weight: 3, arbitrary: fc.integer({ min: 2, max: 64 }) }) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('insert' as const), at: fraction, bytes: fewBytes(32) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('insert-token' as const), at: fraction, token: fc.constantFrom(...INTERESTING) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('insert-boundary' as const), at: fraction, spelling: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('duplicate' as const), at: fraction, length: fc.integer({ min: 1, max: 400 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('overwrite' as const), at: fraction, bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }) },
);

/** `min` to `max` edits. */
export const byteEditsArbitrary = (min: number, max: number): fc.Arbitrary<ByteEdit[]> => fc.array(byteEditArbitrary, { minLength: min, maxLength: max });

/** `bytes` with `edits` applied in turn (`boundary`: the form's, for its edits), each told in `notes`. */
export function applyByteEdits(bytes: Buffer, edits: readonly ByteEdit[], boundary: string, notes: string[]): Buffer {
  let out: Buffer = Buffer.from(bytes);
  for (const edit of edits) {
    if (out.length === 0) {
      // Nothing to edit: the edit's own bytes are the body.
      out = 'bytes' in edit ? Buffer.from(edit.bytes) : bin('token' in edit ? edit.token : '\u0000');
      notes.push(`${out.length} bytes into nothing`);
      continue;
    }
    const at = Math.floor(edit.at * out.length);
    const put = (inserted: Buffer) => Buffer.concat([out.subarray(0, at), inserted, out.subarray(at)]);
    switch (edit.op) {
      case 'flip':
        out[at] = out[at]! ^ (1 << edit.bit);
        notes.push(`bit flip at ${at} (^0x${(1 << edit.bit).toString(16)})`);
        break;
      case 'delete':
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + edit.length)]);
        notes.push(`deleted ${edit.length} bytes at ${at}`);
        break;
      case 'insert':
        out = put(Buffer.from(edit.bytes));
        notes.push(`inserted ${edit.bytes.length} random bytes at ${at}`);
        break;
      case 'insert-token':
        out = put(bin(edit.token));
        notes.push(`inserted ${JSON.stringify(edit.token)} at ${at}`);
        break;
      case 'insert-boundary': {
        const token = boundaryTokens(boundary)[edit.spelling]!;
        out = put(bin(token));
        notes.push(`inserted boundary ${JSON.stringify(token)} at ${at}`);
        break;
      }
      case 'duplicate': {
        const length = Math.min(edit.length, out.length - at);
        out = Buffer.concat([out.subarray(0, at + length), out.subarray(at, at + length), out.subarray(at + length)]);
        notes.push(`duplicated ${length} bytes at ${at}`);
        break;
      }
      case 'overwrite': {
        const length = Math.min(out.length - at, edit.bytes.length);
        Buffer.from(edit.bytes).copy(out, at, 0, length);
        notes.push(`overwrote ${length} bytes at ${at}`);
        break;
      }
    }
  }
  return out;
}
