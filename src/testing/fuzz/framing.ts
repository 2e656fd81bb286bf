/**
 * How a body is framed, as fast-check draws it: a valid upload's framing, a broken form's way
 * there, chunk sizes, and Content-Length and chunked encoding gone wrong. An edit's first note
 * is its name (the generator reads it: some hold their socket for the client window).
 */
import fc from 'fast-check';
import { bin, chunked, CRLF, type Chunking, type Draft } from './draft.js';
import { fraction, sometimes } from './draws.js';

/** How a valid upload is framed and spelled: it must get its 200 all the same. */
export const validVariantArbitrary = fc.oneof(
  { withCrossShrink: true },
  { weight: 6, arbitrary: fc.constant('plain' as const) },
  { weight: 2, arbitrary: fc.constant('split' as const) },
  { weight: 1, arbitrary: fc.constant('chunked' as const) },
  { weight: 1, arbitrary: fc.constant('http-1.0' as const) },
  { weight: 1, arbitrary: fc.constant('expect-continue' as const) },
  { weight: 1, arbitrary: fc.constant('header-case' as const) },
);

/** What happens to a broken form on its way: cut short (at a fraction of it), sent in chunks, written in pieces. */
export const bodyFramingArbitrary = fc.record({
  truncateAt: sometimes(15, fraction, fc.constant(undefined)),
  chunked: sometimes(15, fc.constant(true), fc.constant(false)),
  split: sometimes(20, fc.constant(true), fc.constant(false)),
});

/** Chunk sizes in turn (mostly up to 4 KB, some tiny), a few size lines spelled oddly, rarely a trailer. */
export const chunkingArbitrary: fc.Arbitrary<Chunking> = fc.record({
  chunks: fc.array(
    fc.record({
      size: fc.oneof({ weight: 7, arbitrary: fc.integer({ min: 1, max: 4096 }) }, { weight: 3, arbitrary: fc.integer({ min: 1, max: 16 }) }),
      spelling: fc.oneof(
        { weight: 85, arbitrary: fc.constant('plain' as const) },
        { weight: 5, arbitrary: fc.constant('upper' as const) },
        { weight: 5, arbitrary: fc.constant('zeros' as const) },
        { weight: 5, arbitrary: fc.constant('extension' as const) },
      ),
    }),
    { minLength: 1, maxLength: 6 },
  ),
  trailer: sometimes(5, fc.constant(true), fc.constant(false)),
});

/** A change to the draft's framing by Content-Length. */
export type LengthEdit = (draft: Draft) => void;

const lengthEdit = <T>(name: string, values: fc.Arbitrary<T>, apply: (draft: Draft, value: T, length: number) => void): fc.Arbitrary<LengthEdit> =>
  values.map((value) => (draft: Draft) => {
    draft.notes.push(name);
    apply(draft, value, draft.body.length);
  });

/** Content-Length short, long, malformed, twice, zero, absent, beside Transfer-Encoding, or past the limit. */
export const lengthEditArbitrary: fc.Arbitrary<LengthEdit> = fc.oneof(
  lengthEdit('short', fraction, (draft, at, length) => {
    const value = Math.floor(at * length);
    draft.headers.push(`Content-Length: ${value}`);
    draft.notes.push(`${value} of ${length}`);
  }),
  lengthEdit('long', fc.oneof(fc.constantFrom(1, 2, 10), fc.integer({ min: 1, max: 100_000 })), (draft, extra, length) => {
    draft.headers.push(`Content-Length: ${length + extra}`);
    draft.notes.push(`${length + extra} for ${length}`);
  }),
  lengthEdit(
    'invalid',
    fc.constantFrom<((length: number) => string)[]>(
      () => 'abc',
      () => '-1',
      () => '1e3',
      (length) => ` ${length} `,
      (length) => `0x${length.toString(16)}`,
      (length) => `+${length}`,
      () => '99999999999999999999',
      (length) => `${length}, ${length}`,
      () => '',
      (length) => `0${length}`,
      (length) => `${length}x`,
    ),
    (draft, spell, length) => draft.headers.push(`Content-Length: ${spell(length)}`),
  ),
  lengthEdit('duplicate', fc.boolean(), (draft, differ, length) => draft.headers.push(`Content-Length: ${length}`, `Content-Length: ${differ ? length + 1 : length}`)),
  lengthEdit('zero', fc.constant(null), (draft) => draft.headers.push('Content-Length: 0')),
  lengthEdit('none', fc.constant(null), (draft) => {
    draft.framing = 'none';
  }),
  lengthEdit('with-te', fc.constant(null), (draft, _, length) => draft.headers.push(`Content-Length: ${length}`, 'Transfer-Encoding: chunked')),
  lengthEdit('beyond-limit', fc.constantFrom(26_296_321, 40 * 1024 * 1024, Number.MAX_SAFE_INTEGER), (draft, value) => draft.headers.push(`Content-Length: ${value}`)),
);

/** A chunked body, valid or broken: adds its Transfer-Encoding to the draft and returns the encoded bytes. */
export type ChunkedEdit = (draft: Draft, chunking: Chunking) => Buffer;

type Broken = 'non-hex' | 'negative' | 'overflow' | 'size-too-big' | 'size-too-small' | 'missing-crlf' | 'no-terminator' | 'terminator-without-crlf' | 'space-after-size' | 'bad-extension' | 'bad-trailer';

/** Breaks the chunk after `cut` (a fraction of the body) in the way `name` says; `by` is how far a size is off. */
function brokenChunks(name: Broken, draft: Draft, chunking: Chunking, cut: number, by: number): Buffer {
  const body = draft.body;
  const at = Math.floor(cut * (body.length + 1));
  const first = body.subarray(0, at);
  const rest = body.subarray(at);
  const good = (bytes: Buffer) => (bytes.length > 0 ? chunked(bytes, chunking, { terminate: false }) : Buffer.alloc(0));
  const end = bin(`0${CRLF}${CRLF}`);
  const lastChunk = (sizeLine: string, crlf = true) => Buffer.concat([good(first), bin(`${sizeLine}${CRLF}`), rest, crlf ? bin(CRLF) : Buffer.alloc(0), end]);
  switch (name) {
    case 'non-hex':
      return lastChunk('zz');
    case 'negative':
      return lastChunk(`-${rest.length.toString(16)}`);
    case 'overflow':
      return lastChunk('ffffffffffffffffff');
    case 'size-too-big':
      return lastChunk((rest.length + by).toString(16));
    case 'size-too-small':
      return lastChunk(Math.max(0, rest.length - Math.min(by, 50)).toString(16));
    case 'missing-crlf':
      return lastChunk(rest.length.toString(16), false);
    case 'no-terminator':
      return good(body);
    case 'terminator-without-crlf':
      return Buffer.concat([good(body), bin(`0${CRLF}`)]);
    case 'space-after-size':
      return lastChunk(`${rest.length.toString(16)} `);
    case 'bad-extension':
      return lastChunk(`${rest.length.toString(16)};\u0000`);
    case 'bad-trailer':
      return Buffer.concat([good(body), bin(`0${CRLF}Bad Trailer${CRLF}${CRLF}`)]);
  }
}

const BROKEN: readonly Broken[] = ['non-hex', 'negative', 'overflow', 'size-too-big', 'size-too-small', 'missing-crlf', 'no-terminator', 'terminator-without-crlf', 'space-after-size', 'bad-extension', 'bad-trailer'];

/** Chunked encoding: valid, under an odd Transfer-Encoding value (sometimes twice), or broken in one chunk. */
export const chunkedEditArbitrary: fc.Arbitrary<ChunkedEdit> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<ChunkedEdit>((draft, chunking) => {
    draft.notes.push('valid');
    draft.headers.push('Transfer-Encoding: chunked');
    return chunked(draft.body, chunking);
  }) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.constantFrom('chunked, chunked', 'gzip, chunked', 'Chunked', 'chunked ', ' chunked', 'identity', 'chunkedx', 'chunked;q=1'), sometimes(30, fc.constant(true), fc.constant(false)))
      .map(([value, twice]): ChunkedEdit => (draft, chunking) => {
        draft.notes.push('te-value');
        draft.headers.push(`Transfer-Encoding: ${value}`);
        if (twice) draft.headers.push('Transfer-Encoding: chunked');
        return chunked(draft.body, chunking);
      }),
  },
  {
    weight: 11,
    arbitrary: fc.tuple(fc.constantFrom(...BROKEN), fraction, fc.integer({ min: 1, max: 5000 })).map(([name, cut, by]): ChunkedEdit => (draft, chunking) => {
      draft.notes.push(name);
      draft.headers.push('Transfer-Encoding: chunked');
      return brokenChunks(name, draft, chunking, cut, by);
    }),
  },
);
