/** The request line and headers: methods, targets, `Host` values, odd header lines. */
import fc from 'fast-check';
import { ROUTE, setHeader, utf8AsBinary, type Draft } from './draft.js';
import { fraction, token } from './draws.js';
import type { FuzzContext, WithHost } from './fuzz-case.js';

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

/**
 * One change to the head, drawn with where it goes (`at`, a fraction of the header lines) and
 * applied to the draft: odd bytes and line breaks, huge and many lines, lines that are no header,
 * the route's own headers with other values, and other HTTP versions. Its name is its note.
 */
export type HeaderEdit = (draft: Draft, ctx: FuzzContext) => void;

const headerEdit = <T>(weight: number, name: string, values: fc.Arbitrary<T>, apply: (value: T, draft: Draft, insert: (...lines: string[]) => void, host: string) => void) => ({
  weight,
  arbitrary: fc.tuple(values, fraction).map(([value, at]): HeaderEdit => (draft, ctx) => {
    draft.notes.push(name);
    const place = Math.floor(at * (draft.headers.length + 1));
    apply(value, draft, (...lines) => draft.headers.splice(place, 0, ...lines), ctx.host);
  }),
});
const set = (name: string, value: string | undefined) => (draft: Draft) => setHeader(draft, name, value);
const none = fc.constant(null);

export const headerEditArbitrary: fc.Arbitrary<HeaderEdit> = fc.oneof(
  headerEdit(2, 'nul', none, (_, __, insert) => insert('X-Nul: a\u0000b')),
  headerEdit(2, 'cr-without-lf', none, (_, __, insert) => insert('X-Cr: a\rb')),
  headerEdit(2, 'lf-only', none, (_, __, insert) => insert('X-Lf: a\nX-Other: b')),
  headerEdit(2, 'obs-fold', fc.constantFrom('b', 'X-Requested-With: ghl-attachments', '\tc'), (folded, _, insert) => insert(`X-Folded: a\r\n ${folded}`)),
  headerEdit(2, 'huge', fc.constantFrom(4000, 15_000, 17_000, 70_000), (size, _, insert) => insert(`X-Huge: ${'h'.repeat(size)}`)),
  headerEdit(1, 'many', fc.constantFrom(50, 500, 2100), (count, _, insert) => insert(...Array.from({ length: count }, (__, i) => `X-Many-${count - i}: ${count - i}`))),
  headerEdit(2, 'no-colon', fc.constantFrom('Garbage', 'X-No-Colon value', ':'), (line, _, insert) => insert(line)),
  headerEdit(1, 'space-in-name', none, (_, __, insert) => insert('X Space: a')),
  headerEdit(1, 'empty-name', none, (_, __, insert) => insert(': value')),
  headerEdit(2, 'high-bytes', fc.option(fc.uint8Array({ minLength: 1, maxLength: 16 }), { nil: undefined }), (bytes, draft, insert) => {
    if (bytes) insert(`X-High: ${Buffer.from(bytes).toString('latin1').replace(/[\r\n]/g, 'x').replaceAll('\u0000', 'x')}`);
    else setHeader(draft, 'X-Requested-With', 'ghl-attachments\u00ff');
  }),
  headerEdit(
    2,
    'requested-with',
    fc.constantFrom<((draft: Draft, insert: (line: string) => void) => void)[]>(
      set('X-Requested-With', undefined),
      set('X-Requested-With', 'XMLHttpRequest'),
      set('X-Requested-With', 'GHL-Attachments'),
      set('X-Requested-With', ''),
      set('X-Requested-With', ' ghl-attachments '),
      (_, insert) => insert('X-Requested-With: ghl-attachments'),
      (_, insert) => insert('x-requested-with: other'),
    ),
    (change, draft, insert) => change(draft, insert),
  ),
  headerEdit(
    3,
    'content-type',
    fc.constantFrom<((draft: Draft, insert: (line: string) => void) => void)[]>(
      set('Content-Type', undefined),
      set('Content-Type', 'application/json'),
      set('Content-Type', 'multipart/form-data'),
      set('Content-Type', 'multipart/mixed; boundary=x'),
      set('Content-Type', 'multipart/form-data; boundary='),
      set('Content-Type', 'multipart/form-data; boundary="'),
      set('Content-Type', 'multipart/form-data; a="boundary=x"'),
      set('Content-Type', 'multipart/form-data; boundary=x; boundary=y'),
      set('Content-Type', `multipart/form-data; boundary=${'z'.repeat(300)}`),
      set('Content-Type', 'text/plain; x=multipart/form-data; boundary=x'),
      (_, insert) => insert('Content-Type: text/plain'),
      set('Content-Type', 'multipart/form-data;boundary=\u00ff'),
    ),
    (change, draft, insert) => change(draft, insert),
  ),
  headerEdit(
    3,
    'origin',
    fc.constantFrom<WithHost<string>[]>(
      () => 'https://evil.example',
      () => 'null',
      (host) => `http://${host}.evil.example`,
      (host) => `http://${host}/`,
      (host) => `https://${host}`,
      () => '',
      (host) => `http://${host}`,
      (host) => `HTTP://${host.toUpperCase()}`,
      () => 'file://',
    ),
    (origin, draft, _, host) => setHeader(draft, 'Origin', origin(host)),
  ),
  headerEdit(1, 'sec-fetch-site', fc.constantFrom('cross-site', 'same-site', 'none', 'same-origin', ''), (value, draft) => setHeader(draft, 'Sec-Fetch-Site', value)),
  headerEdit(1, 'keep-alive', fc.constantFrom('keep-alive', 'Keep-Alive, close', 'x'), (value, draft) => setHeader(draft, 'Connection', value)),
  headerEdit(1, 'upgrade', fc.constantFrom('websocket', 'h2c', 'x'), (protocol, draft, insert) => {
    setHeader(draft, 'Connection', 'Upgrade');
    insert(`Upgrade: ${protocol}`);
  }),
  headerEdit(1, 'expect', fc.constantFrom('100-continue', 'banana'), (value, _, insert) => insert(`Expect: ${value}`)),
  headerEdit(1, 'range', fc.constantFrom('bytes=0-1', 'bytes=-1', 'bytes=a', 'bytes=0-0,1-1,2-2'), (value, _, insert) => insert(`Range: ${value}`)),
  headerEdit(1, 'authorization', token(20, 20), (value, _, insert) => insert(`Authorization: Bearer ${value}`)),
  headerEdit(1, 'cookie', fc.constantFrom(10, 8000), (size, _, insert) => insert(`Cookie: session=${'c'.repeat(size)}`)),
  headerEdit(1, 'http-version', fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/0.9', 'HTTP/1.2', 'HTTP/11', 'http/1.1', ''), (version, draft) => {
    draft.version = version;
  }),
);

/** One to three header edits, one most often. */
export const headerEditsArbitrary: fc.Arbitrary<HeaderEdit[]> = fc.oneof(
  { weight: 6, arbitrary: fc.array(headerEditArbitrary, { minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.array(headerEditArbitrary, { minLength: 2, maxLength: 2 }) },
  { weight: 1, arbitrary: fc.array(headerEditArbitrary, { minLength: 3, maxLength: 3 }) },
);
