/** The request line and headers: methods, targets, `Host` values, odd header lines. */
import fc from 'fast-check';
import { ROUTE, setHeader, utf8AsBinary, type Draft } from './draft.js';
import type { FuzzContext, Then, WithHost } from './fuzz-case.js';
import type { Rng } from './tape.js';

export const METHODS = [
  'TRACE',
  'TRACK',
  'CONNECT',
  'PUT',
  'DELETE',
  'PATCH',
  'HEAD',
  'GET',
  'OPTIONS',
  'post',
  'Post',
  'P0ST',
  'PRI',
  'M-SEARCH',
  'PROPFIND',
  'SOURCE',
  'QUERY',
  'LINK',
  'PURGE',
  '',
  'P(ST',
  'PO\u0000ST',
  '\u00ffPOST',
  'POST\t',
  'G ET',
];

/** Token characters (RFC 9110 tchar), for methods, handles and keys made up. */
const TCHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~";

export function randomToken(rng: Rng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += TCHARS[rng.int(TCHARS.length)];
  return out;
}

const token = (minLength: number, maxLength: number) => fc.string({ unit: fc.constantFrom(...TCHARS), minLength, maxLength });

/** A fraction in [0, 1): where in the bytes a client stops; shrinks toward the start. */
export const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

/** Pacing of a slow client: where it stops, in how many writes, the pauses between them (700 ms in all at most), then what it does. */
export const slowArbitrary = fc.record({
  stop: fc.constantFrom('complete', 'mid-head', 'mid-body'),
  at: fraction,
  pieces: fc.integer({ min: 3, max: 10 }),
  pausesMs: fc.array(fc.integer({ min: 20, max: 200 }), { minLength: 9, maxLength: 9 }),
  then: fc.constantFrom<Then>('wait', 'wait', 'destroy', 'half-close'),
});

/** A client that leaves: after all its bytes (`cut` undefined) or a part, after a pause or none, by a reset or a FIN. */
export const leaveArbitrary = fc.record({
  cut: fc.option(fraction, { nil: undefined, freq: 2 }),
  pauseMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })),
  then: fc.oneof({ weight: 7, arbitrary: fc.constant<Then>('destroy') }, { weight: 3, arbitrary: fc.constant<Then>('half-close') }),
});

/** `value` in `percent` of cases, else `otherwise`, to which it shrinks. */
export const sometimes = <T>(percent: number, value: fc.Arbitrary<T>, otherwise: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ withCrossShrink: true }, { weight: 100 - percent, arbitrary: otherwise }, { weight: percent, arbitrary: value });

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

/** Methods: the known ones in odd spellings and cases, made-up tokens, and very long ones. */
export const methodArbitrary: fc.Arbitrary<string> = fc.oneof(
  { weight: 34, arbitrary: fc.constantFrom(...METHODS) },
  { weight: 3, arbitrary: token(1, 20) },
  { weight: 3, arbitrary: fc.constantFrom(100, 5000, 20_000).map((n) => 'A'.repeat(n)) },
);

/** Request targets: absolute forms, `*`, traversals, bad escapes, odd bytes, very long ones. */
export const targetArbitrary: fc.Arbitrary<WithHost<string>> = fc.oneof(
  fc.constant(() => '*'),
  fc.constant(() => 'http://x/'),
  fc.constant((host: string) => `http://${host}${ROUTE}`),
  fc.constant(() => '/%E0%A4%A'),
  fc.constant(() => `${ROUTE}/%E0%A4%A`),
  fc.constant(() => '//'),
  fc.constant(() => `/${ROUTE}`),
  fc.constant(() => `${ROUTE}/../../etc/passwd`),
  fc.constant(() => `${ROUTE}/%2e%2e/%2e%2e/`),
  token(0, 80).map((value) => () => `${ROUTE}?preview=${value}`),
  fc.constant(() => `${ROUTE}?%`),
  fc.constant(() => `${ROUTE}#frag`),
  fc.constant(() => `${ROUTE}%00`),
  fc.constantFrom(100, 5000, 20_000).map((n) => () => `${ROUTE}/${'a'.repeat(n)}`),
  fc.constantFrom(100, 8000, 17_000).map((n) => () => `${ROUTE}?${'q'.repeat(n)}`),
  fc.uint8Array({ minLength: 1, maxLength: 8 }).map((bytes) => () => `${ROUTE}/${Buffer.from(bytes).toString('latin1')}`),
  fc.constant(() => `${ROUTE}/\u00ff\u00fe`),
  fc.constant(() => `${ROUTE}/${utf8AsBinary('ünïcödé')}`),
  fc.constant(() => ''),
  fc.constant(() => ` ${ROUTE}`),
  fc.constant(() => `${ROUTE}?x=1&x=2&preview=a.b`),
  fc.constant(() => `${ROUTE};x`),
  fc.constant(() => `${ROUTE}X`),
  fc.constant(() => '/API/ATTACHMENTS'),
  fc.constant(() => `${ROUTE}\\..\\`),
  fc.constant(() => `${ROUTE}?preview=a.b.c`),
  fc.constant(() => `${ROUTE}?preview=${'W'.repeat(200)}.${'x'.repeat(43)}`),
  fc.constant(() => '/'),
  fc.constant(() => '/nope'),
  fc.constant(() => 'api/attachments'),
  fc.constant(() => `${ROUTE}\t`),
);

/** `Host` values (`undefined`: no Host header): malformed, foreign, very long, ours in other spellings. */
export const hostValueArbitrary: fc.Arbitrary<WithHost<string | undefined>> = fc.oneof(
  fc.constant(() => undefined),
  fc.constant(() => 'a b'),
  fc.constant(() => 'x/y'),
  fc.constant(() => '[::1'),
  fc.constant(() => ''),
  fc.constantFrom(300, 5000, 20_000).map((n) => () => 'h'.repeat(n)),
  fc.constant(() => '[::1]:99999'),
  fc.constant(() => '[::1]'),
  fc.constant(() => '1.2.3.4.5'),
  fc.constant(() => 'evil.example'),
  fc.constant(() => '127.0.0.1:0'),
  fc.constant(() => 'localhost.'),
  fc.constant(() => '%41'),
  fc.constant(() => '_'),
  fc.constant(() => '\u00ff\u00fe'),
  fc.constant(() => 'user@host'),
  fc.constant((host: string) => `${host}:80`),
  fc.constant(() => '0x7f.1'),
  fc.constant(() => '[v1.x]'),
  fc.constant(() => 'x\ty'),
  fc.constant(() => '-'),
  fc.constant(() => '..'),
  fc.constant((host: string) => `${host}.`),
  fc.constant(() => 'EXAMPLE.com'),
  fc.constant(() => '999999999999'),
  fc.constant(() => '[::ffff:127.0.0.1]:1'),
);

/** Adds one odd header line (or changes one header) to the draft. */
export function mutateHeaders(rng: Rng, ctx: FuzzContext, draft: Draft): void {
  const op = rng.weighted([
    [2, 'nul'],
    [2, 'cr-without-lf'],
    [2, 'lf-only'],
    [2, 'obs-fold'],
    [2, 'huge'],
    [1, 'many'],
    [2, 'no-colon'],
    [1, 'space-in-name'],
    [1, 'empty-name'],
    [2, 'high-bytes'],
    [2, 'requested-with'],
    [3, 'content-type'],
    [3, 'origin'],
    [1, 'sec-fetch-site'],
    [1, 'keep-alive'],
    [1, 'upgrade'],
    [1, 'expect'],
    [1, 'range'],
    [1, 'authorization'],
    [1, 'cookie'],
    [1, 'http-version'],
  ] as const);
  draft.notes.push(op);
  const at = rng.between(0, draft.headers.length);
  const insert = (line: string) => draft.headers.splice(at, 0, line);
  switch (op) {
    case 'nul':
      insert(`X-Nul: a\u0000b`);
      break;
    case 'cr-without-lf':
      insert(`X-Cr: a\rb`);
      break;
    case 'lf-only':
      insert(`X-Lf: a\nX-Other: b`);
      break;
    case 'obs-fold':
      insert(`X-Folded: a\r\n ${rng.pick(['b', 'X-Requested-With: ghl-attachments', '\tc'])}`);
      break;
    case 'huge':
      insert(`X-Huge: ${'h'.repeat(rng.pick([4000, 15_000, 17_000, 70_000]))}`);
      break;
    case 'many':
      for (let i = rng.pick([50, 500, 2100]); i > 0; i -= 1) insert(`X-Many-${i}: ${i}`);
      break;
    case 'no-colon':
      insert(rng.pick(['Garbage', 'X-No-Colon value', ':']));
      break;
    case 'space-in-name':
      insert('X Space: a');
      break;
    case 'empty-name':
      insert(': value');
      break;
    case 'high-bytes':
      if (rng.chance(0.5)) insert(`X-High: ${rng.bytes(rng.between(1, 16)).toString('latin1').replace(/[\r\n]/g, 'x').replaceAll('\u0000', 'x')}`);
      else setHeader(draft, 'X-Requested-With', `ghl-attachments\u00ff`);
      break;
    case 'requested-with':
      rng.pick([
        () => setHeader(draft, 'X-Requested-With', undefined),
        () => setHeader(draft, 'X-Requested-With', 'XMLHttpRequest'),
        () => setHeader(draft, 'X-Requested-With', 'GHL-Attachments'),
        () => setHeader(draft, 'X-Requested-With', ''),
        () => setHeader(draft, 'X-Requested-With', ' ghl-attachments '),
        () => insert('X-Requested-With: ghl-attachments'),
        () => insert('x-requested-with: other'),
      ])();
      break;
    case 'content-type':
      rng.pick([
        () => setHeader(draft, 'Content-Type', undefined),
        () => setHeader(draft, 'Content-Type', 'application/json'),
        () => setHeader(draft, 'Content-Type', 'multipart/form-data'),
        () => setHeader(draft, 'Content-Type', 'multipart/mixed; boundary=x'),
        () => setHeader(draft, 'Content-Type', 'multipart/form-data; boundary='),
        () => setHeader(draft, 'Content-Type', 'multipart/form-data; boundary="'),
        () => setHeader(draft, 'Content-Type', 'multipart/form-data; a="boundary=x"'),
        () => setHeader(draft, 'Content-Type', 'multipart/form-data; boundary=x; boundary=y'),
        () => setHeader(draft, 'Content-Type', `multipart/form-data; boundary=${'z'.repeat(300)}`),
        () => setHeader(draft, 'Content-Type', 'text/plain; x=multipart/form-data; boundary=x'),
        () => insert('Content-Type: text/plain'),
        () => setHeader(draft, 'Content-Type', 'multipart/form-data;boundary=\u00ff'),
      ])();
      break;
    case 'origin':
      setHeader(draft, 'Origin', rng.pick(['https://evil.example', 'null', `http://${ctx.host}.evil.example`, `http://${ctx.host}/`, `https://${ctx.host}`, '', `http://${ctx.host}`, `HTTP://${ctx.host.toUpperCase()}`, 'file://']));
      break;
    case 'sec-fetch-site':
      setHeader(draft, 'Sec-Fetch-Site', rng.pick(['cross-site', 'same-site', 'none', 'same-origin', '']));
      break;
    case 'keep-alive':
      setHeader(draft, 'Connection', rng.pick(['keep-alive', 'Keep-Alive, close', 'x']));
      break;
    case 'upgrade':
      setHeader(draft, 'Connection', 'Upgrade');
      insert(`Upgrade: ${rng.pick(['websocket', 'h2c', 'x'])}`);
      break;
    case 'expect':
      insert(`Expect: ${rng.pick(['100-continue', 'banana'])}`);
      break;
    case 'range':
      insert(`Range: ${rng.pick(['bytes=0-1', 'bytes=-1', 'bytes=a', 'bytes=0-0,1-1,2-2'])}`);
      break;
    case 'authorization':
      insert(`Authorization: Bearer ${randomToken(rng, 20)}`);
      break;
    case 'cookie':
      insert(`Cookie: session=${'c'.repeat(rng.pick([10, 8000]))}`);
      break;
    case 'http-version':
      draft.version = rng.pick(['HTTP/1.0', 'HTTP/2.0', 'HTTP/0.9', 'HTTP/1.2', 'HTTP/11', 'http/1.1', '']);
      break;
  }
}
