/** How a body is framed: Content-Length and chunked encoding, right and wrong. */
import { bin, chunked, CRLF, type Draft } from './draft.js';
import type { Rng } from './tape.js';

export function mutateLength(rng: Rng, draft: Draft): void {
  const length = draft.body.length;
  const op = rng.pick(['short', 'long', 'invalid', 'duplicate', 'zero', 'none', 'with-te', 'beyond-limit'] as const);
  draft.notes.push(op);
  switch (op) {
    case 'short': {
      const value = rng.between(0, Math.max(0, length - 1));
      draft.headers.push(`Content-Length: ${value}`);
      draft.notes.push(`${value} of ${length}`);
      break;
    }
    case 'long': {
      const value = length + rng.pick([1, 2, 10, rng.between(1, 100_000)]);
      draft.headers.push(`Content-Length: ${value}`);
      draft.notes.push(`${value} for ${length}`);
      break;
    }
    case 'invalid':
      draft.headers.push(`Content-Length: ${rng.pick(['abc', '-1', '1e3', ` ${length} `, `0x${length.toString(16)}`, `+${length}`, '99999999999999999999', `${length}, ${length}`, '', `0${length}`, `${length}x`])}`);
      break;
    case 'duplicate':
      draft.headers.push(`Content-Length: ${length}`, `Content-Length: ${rng.chance(0.5) ? length : length + 1}`);
      break;
    case 'zero':
      draft.headers.push('Content-Length: 0');
      break;
    case 'none':
      draft.framing = 'none';
      break;
    case 'with-te':
      draft.headers.push(`Content-Length: ${length}`, 'Transfer-Encoding: chunked');
      break;
    case 'beyond-limit':
      draft.headers.push(`Content-Length: ${rng.pick([26_296_321, 40 * 1024 * 1024, Number.MAX_SAFE_INTEGER])}`);
      break;
  }
}

/** A chunked body, valid or broken; returns the encoded bytes. */
export function mutateChunked(rng: Rng, draft: Draft): Buffer {
  const op = rng.weighted([
    [4, 'valid'],
    [1, 'non-hex'],
    [1, 'negative'],
    [1, 'overflow'],
    [1, 'size-too-big'],
    [1, 'size-too-small'],
    [1, 'missing-crlf'],
    [1, 'no-terminator'],
    [1, 'terminator-without-crlf'],
    [1, 'space-after-size'],
    [1, 'bad-extension'],
    [2, 'te-value'],
    [1, 'bad-trailer'],
  ] as const);
  draft.notes.push(op);
  const teValue = op === 'te-value' ? rng.pick(['chunked, chunked', 'gzip, chunked', 'Chunked', 'chunked ', ' chunked', 'identity', 'chunkedx', 'chunked;q=1']) : 'chunked';
  draft.headers.push(`Transfer-Encoding: ${teValue}`);
  if (op === 'te-value' && rng.chance(0.3)) draft.headers.push('Transfer-Encoding: chunked');
  const body = draft.body;
  const cut = rng.between(0, body.length);
  const first = body.subarray(0, cut);
  const rest = body.subarray(cut);
  const good = (bytes: Buffer) => (bytes.length > 0 ? chunked(bytes, rng, { terminate: false }) : Buffer.alloc(0));
  const end = bin(`0${CRLF}${CRLF}`);
  switch (op) {
    case 'valid':
    case 'te-value':
      return chunked(body, rng);
    case 'non-hex':
      return Buffer.concat([good(first), bin(`zz${CRLF}`), rest, bin(CRLF), end]);
    case 'negative':
      return Buffer.concat([good(first), bin(`-${rest.length.toString(16)}${CRLF}`), rest, bin(CRLF), end]);
    case 'overflow':
      return Buffer.concat([good(first), bin(`ffffffffffffffffff${CRLF}`), rest, bin(CRLF), end]);
    case 'size-too-big':
      return Buffer.concat([good(first), bin(`${(rest.length + rng.between(1, 5000)).toString(16)}${CRLF}`), rest, bin(CRLF), end]);
    case 'size-too-small':
      return Buffer.concat([good(first), bin(`${Math.max(0, rest.length - rng.between(1, 50)).toString(16)}${CRLF}`), rest, bin(CRLF), end]);
    case 'missing-crlf':
      return Buffer.concat([good(first), bin(`${rest.length.toString(16)}${CRLF}`), rest, end]);
    case 'no-terminator':
      return good(body);
    case 'terminator-without-crlf':
      return Buffer.concat([good(body), bin(`0${CRLF}`)]);
    case 'space-after-size':
      return Buffer.concat([good(first), bin(`${rest.length.toString(16)} ${CRLF}`), rest, bin(CRLF), end]);
    case 'bad-extension':
      return Buffer.concat([good(first), bin(`${rest.length.toString(16)};\u0000${CRLF}`), rest, bin(CRLF), end]);
    case 'bad-trailer':
      return Buffer.concat([good(body), bin(`0${CRLF}Bad Trailer${CRLF}${CRLF}`)]);
  }
}
