/** Byte-level damage to a head or a body. */
import { bin, CRLF } from './draft.js';
import type { Rng } from './tape.js';

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

/** 1 to 4 random byte-level mutations of `bytes`, with words for each. */
export function mutateBytes(rng: Rng, bytes: Buffer, boundary: string, notes: string[], rounds = rng.between(1, 4)): Buffer {
  let out: Buffer = Buffer.from(bytes);
  for (let round = 0; round < rounds; round += 1) {
    if (out.length === 0) {
      out = rng.bytes(rng.between(1, 32));
      notes.push('random bytes');
      continue;
    }
    const at = rng.int(out.length);
    const op = rng.weighted([
      [4, 'flip'],
      [3, 'delete'],
      [3, 'insert'],
      [2, 'insert-token'],
      [1, 'insert-boundary'],
      [1, 'duplicate'],
      [1, 'overwrite'],
    ] as const);
    switch (op) {
      case 'flip': {
        const bit = 1 << rng.int(8);
        out[at] = out[at]! ^ bit;
        notes.push(`bit flip at ${at} (^0x${bit.toString(16)})`);
        break;
      }
      case 'delete': {
        const length = rng.chance(0.7) ? 1 : rng.between(2, 64);
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + length)]);
        notes.push(`deleted ${length} bytes at ${at}`);
        break;
      }
      case 'insert': {
        const extra = rng.bytes(rng.chance(0.7) ? 1 : rng.between(2, 32));
        out = Buffer.concat([out.subarray(0, at), extra, out.subarray(at)]);
        notes.push(`inserted ${extra.length} random bytes at ${at}`);
        break;
      }
      case 'insert-token': {
        const token = rng.pick(INTERESTING);
        out = Buffer.concat([out.subarray(0, at), bin(token), out.subarray(at)]);
        notes.push(`inserted ${JSON.stringify(token)} at ${at}`);
        break;
      }
      case 'insert-boundary': {
        const token = rng.pick([`${CRLF}--${boundary}${CRLF}`, `${CRLF}--${boundary}--${CRLF}`, `--${boundary}`, `${CRLF}--${boundary.slice(0, -1)}`]);
        out = Buffer.concat([out.subarray(0, at), bin(token), out.subarray(at)]);
        notes.push(`inserted boundary ${JSON.stringify(token)} at ${at}`);
        break;
      }
      case 'duplicate': {
        const length = rng.between(1, Math.min(400, out.length - at));
        out = Buffer.concat([out.subarray(0, at + length), out.subarray(at, at + length), out.subarray(at + length)]);
        notes.push(`duplicated ${length} bytes at ${at}`);
        break;
      }
      case 'overwrite': {
        const length = Math.min(out.length - at, rng.between(1, 16));
        rng.bytes(length).copy(out, at);
        notes.push(`overwrote ${length} bytes at ${at}`);
        break;
      }
    }
  }
  return out;
}
