/**
 * Structural damage to a multipart form, as fast-check draws it: its fields, files, names, part
 * headers, boundary and framing. A part an edit works on is drawn as a fraction of the parts it
 * finds (files, or any), so that an edit applies to whatever the edits before it left.
 */
import fc from 'fast-check';
import { bin, CRLF, utf8AsBinary } from './draft.js';
import { fraction } from './draws.js';
import { BAD_NAMES, extValue, fieldPart, filenameParam, FIXTURE_NAMES, fixtureBytes, GOOD_STEMS, type Form, type NameEncoding, type Part } from './forms.js';

/** One change to the form; its name is its first note. */
export type FormEdit = (form: Form, notes: string[]) => void;

const formEdit = <T>(weight: number, name: string, values: fc.Arbitrary<T>, apply: (value: T, form: Form, notes: string[]) => void) => ({
  weight,
  arbitrary: values.map((value): FormEdit => (form, notes) => {
    notes.push(name);
    apply(value, form, notes);
  }),
});
const none = fc.constant(null);

/** The part at `at` (a fraction) among the form's files, if it has any. */
function fileAt(form: Form, at: number): Part | undefined {
  const files = form.parts.filter((part) => part.headers[0]?.includes('filename'));
  return files[Math.floor(at * files.length)];
}
const partAt = (form: Form, at: number): Part | undefined => form.parts[Math.floor(at * form.parts.length)];

/** `drawn` repeated to `length` bytes. */
const repeated = (drawn: Uint8Array, length: number) => Buffer.alloc(length, Buffer.from(drawn));

const NAME_SPELLINGS: readonly ((name: string, encoding: NameEncoding) => string)[] = [
  (name, encoding) => filenameParam(name, encoding),
  (name) => `filename="${utf8AsBinary(name)}"`,
  (name) => `filename="${name}`,
  (name) => `filename="a.png"; filename*=UTF-8''${extValue(name)}`,
  (name) => `filename*=ISO-8859-1''${escape(name)}`,
  () => `filename*=UTF-8''%E0%A4%A`,
  () => `filename=""`,
  (name) => `FILENAME="${utf8AsBinary(name)}"`,
];

/** A file's name in its part's header, named by `name` and spelled by the drawn way. */
const renamed = (name: string, names: fc.Arbitrary<string>) =>
  formEdit(name === 'bad-name' ? 6 : 3, name, fc.tuple(fraction, names, fc.constantFrom<NameEncoding[]>('quoted', 'html', 'token', 'ext-value'), fc.constantFrom(...NAME_SPELLINGS)), ([at, fileName, encoding, spell], form, notes) => {
    const part = fileAt(form, at);
    if (!part) return;
    const raw = spell(fileName, encoding);
    part.headers = [`Content-Disposition: form-data; name="file"; ${raw}`, ...part.headers.slice(1)];
    notes.push(JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw));
  });

type Content = { kind: 'exe'; padding: number } | { kind: 'html' } | { kind: 'other-fixture'; name: string } | { kind: 'random'; drawn: Uint8Array; length: number } | { kind: 'text-in-binary'; lines: number } | { kind: 'truncated-signature'; length: number };

const contentArbitrary: fc.Arbitrary<Content> = fc.oneof(
  fc.record({ kind: fc.constant('exe' as const), padding: fc.integer({ min: 0, max: 600 }) }),
  fc.record({ kind: fc.constant('html' as const) }),
  fc.record({ kind: fc.constant('other-fixture' as const), name: fc.constantFrom(...FIXTURE_NAMES) }),
  fc.record({ kind: fc.constant('random' as const), drawn: fc.uint8Array({ minLength: 1, maxLength: 64 }), length: fc.integer({ min: 1, max: 5000 }) }),
  fc.record({ kind: fc.constant('text-in-binary' as const), lines: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('truncated-signature' as const), length: fc.integer({ min: 1, max: 8 }) }),
);

function contentOf(content: Content, part: Part): Buffer {
  switch (content.kind) {
    case 'exe':
      return Buffer.concat([bin('MZ\u0090\u0000\u0003'), Buffer.alloc(content.padding)]);
    case 'html':
      return bin('<html><script>alert(1)</script></html>');
    case 'other-fixture':
      return fixtureBytes(content.name);
    case 'random':
      return repeated(content.drawn, content.length);
    case 'text-in-binary':
      return bin('just some text\n'.repeat(content.lines));
    case 'truncated-signature':
      return part.body.subarray(0, Math.min(content.length, part.body.length));
  }
}

const PART_HEADER_CHANGES = ['drop-disposition', 'drop-all', 'fold', 'nul', 'no-colon', 'attachment', 'lower-case', 'content-transfer-encoding', 'duplicate-disposition'] as const;
const BOUNDARY_CHANGES = ['other', 'empty', 'quoted-open', 'not-a-boundary-param', 'case', 'two-params', 'long', 'spaces', 'in-content', 'prefix', 'no-params', 'charset-first', 'missing-semicolon'] as const;

export const formEditArbitrary: fc.Arbitrary<FormEdit> = fc.oneof(
  formEdit(3, 'duplicate-field', fc.constantFrom('other', 'fz-dup'), (value, form) => form.parts.splice(1, 0, fieldPart('conversationId', value))),
  formEdit(3, 'field-after-files', fc.constantFrom('conversationId', 'locationId', 'note'), (name, form) => form.parts.push(fieldPart(name, 'x'))),
  formEdit(
    3,
    'extra-field',
    fc.tuple(fc.integer({ min: 0, max: 1 }), fc.constantFrom('locationId', 'attachmentUrls', 'contactId', 'file', '', 'conversationid'), fc.constantFrom('someone-else', 'https://evil.example/x', '')),
    ([at, name, value], form) => form.parts.splice(at, 0, fieldPart(name, value)),
  ),
  formEdit(2, 'no-conversation', none, (_, form) => form.parts.shift()),
  formEdit(4, 'conversation-value', fc.constantFrom('', 'a'.repeat(129), 'b'.repeat(300), '../../admin', 'conv 1', 'ü', '\u0000', 'x\r\ny', 'a'.repeat(128), 'conv1;x', '%2e%2e'), (value, form, notes) => {
    form.parts[0] = fieldPart('conversationId', value);
    notes.push(JSON.stringify(value.length > 20 ? `${value[0]}×${value.length}` : value));
  }),
  formEdit(3, 'duplicate-file', fraction, (at, form) => {
    const file = fileAt(form, at);
    if (file) form.parts.push(file);
  }),
  formEdit(2, 'six-files', fc.tuple(fc.array(fraction, { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 2 })), ([picks, extra], form) => {
    for (let i = 0; form.parts.length < 7 + extra; i += 1) {
      const file = fileAt(form, picks[i % picks.length]!);
      if (!file) break;
      form.parts.push(file);
    }
  }),
  formEdit(2, 'no-files', none, (_, form) => {
    form.parts = form.parts.filter((part) => !part.headers[0]?.includes('filename'));
  }),
  formEdit(3, 'file-field-name', fc.tuple(fraction, fc.constantFrom('fileAttachment', 'File', 'files', 'file[]', '', 'conversationId')), ([at, name], form) => {
    const part = fileAt(form, at) ?? form.parts[1];
    if (part) part.headers = [(part.headers[0] ?? '').replace(/name="[^"]*"/, `name="${name}"`), ...part.headers.slice(1)];
  }),
  renamed('bad-name', fc.constantFrom(...BAD_NAMES)),
  renamed('odd-name-encoding', fc.constantFrom(...GOOD_STEMS).map((stem) => `${stem}.png`)),
  formEdit(4, 'wrong-content', fc.tuple(fraction, contentArbitrary), ([at, content], form, notes) => {
    const part = fileAt(form, at);
    if (!part) return;
    notes.push(content.kind);
    part.body = contentOf(content, part);
  }),
  formEdit(2, 'empty-file', fraction, (at, form) => {
    const part = fileAt(form, at);
    if (part) part.body = Buffer.alloc(0);
  }),
  formEdit(2, 'part-headers', fc.tuple(fraction, fc.constantFrom(...PART_HEADER_CHANGES), fc.constantFrom('base64', 'quoted-printable', '8bit', 'x')), ([at, change, encoding], form, notes) => {
    const part = partAt(form, at);
    if (!part) return;
    notes.push(change);
    // Parts keep at least a first line here, even after an earlier edit dropped them all.
    const first = part.headers[0] ?? 'Content-Disposition: form-data; name="file"; filename="x.png"';
    const rest = part.headers.slice(1);
    if (change === 'drop-disposition') part.headers = rest;
    else if (change === 'drop-all') part.headers = [];
    else if (change === 'fold') part.headers = [first.replace('; ', ';\r\n '), ...rest];
    else if (change === 'nul') part.headers = [`${first}\u0000`, ...rest];
    else if (change === 'no-colon') part.headers = [...part.headers, 'Garbage header line'];
    else if (change === 'attachment') part.headers = [first.replace('form-data', 'attachment'), ...rest];
    else if (change === 'lower-case') part.headers = part.headers.map((line) => line.toLowerCase());
    else if (change === 'content-transfer-encoding') part.headers = [...part.headers, `Content-Transfer-Encoding: ${encoding}`];
    else part.headers = [first.replace(/name="[^"]*"/, 'name="other"'), ...part.headers];
  }),
  formEdit(4, 'boundary', fc.tuple(fc.constantFrom(...BOUNDARY_CHANGES), fc.constantFrom(70, 71, 200, 5000)), ([change, long], form, notes) => {
    notes.push(change);
    const named = form.headerBoundary;
    if (change === 'other') form.headerBoundary = 'other';
    else if (change === 'empty') form.contentType = 'multipart/form-data; boundary=';
    else if (change === 'quoted-open') form.contentType = `multipart/form-data; boundary="${form.boundary}`;
    else if (change === 'not-a-boundary-param') form.contentType = `multipart/form-data; a="boundary=${form.boundary}"`;
    else if (change === 'case') form.contentType = `Multipart/Form-Data; BOUNDARY=${named}`;
    else if (change === 'two-params') form.contentType = `multipart/form-data; boundary=${named}; boundary=zz`;
    else if (change === 'long') {
      form.boundary = 'b'.repeat(long);
      form.headerBoundary = form.boundary;
    } else if (change === 'spaces') form.contentType = `multipart/form-data ;  boundary = ${named} `;
    else if (change === 'in-content') {
      const part = form.parts[form.parts.length - 1];
      if (part) part.body = Buffer.concat([part.body, bin(`${CRLF}--${form.boundary}`)]);
    } else if (change === 'prefix') form.headerBoundary = form.boundary.slice(0, Math.max(1, form.boundary.length - 1));
    else if (change === 'no-params') form.contentType = 'multipart/form-data;';
    else if (change === 'charset-first') form.contentType = `multipart/form-data; charset=utf-8; boundary=${named}`;
    else form.contentType = `multipart/form-data boundary=${named}`;
  }),
  formEdit(2, 'line-breaks', fc.constantFrom('\n', '\r', '\r\r\n'), (lineBreak, form) => {
    form.lineBreak = lineBreak;
  }),
  formEdit(
    2,
    'preamble-epilogue',
    fc.oneof(
      fc.constantFrom('preamble\r\n', '\r\n', 'x'.repeat(2000), '--\r\n').map((text) => ({ preamble: text })),
      fc.constantFrom<WithBoundary[]>(() => 'epilogue', (boundary) => `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="late.png"\r\n\r\nxx\r\n`, () => '\u0000'.repeat(100)).map((text) => ({ epilogue: text })),
    ),
    (extra, form) => {
      if ('preamble' in extra) form.preamble = bin(extra.preamble);
      else form.epilogue = bin(extra.epilogue(form.boundary));
    },
  ),
  formEdit(2, 'unclosed', none, (_, form) => {
    form.close = false;
  }),
  formEdit(1, 'many-fields', fc.integer({ min: 4, max: 40 }), (count, form) => {
    for (let i = 0; i < count; i += 1) form.parts.splice(1, 0, fieldPart(`f${i}`, 'v'));
  }),
  formEdit(1, 'huge-field', fc.constantFrom(257, 10_000, 200_000), (size, form) => {
    form.parts[0] = fieldPart('conversationId', 'a'.repeat(size));
  }),
  formEdit(1, 'huge-part-header', fc.tuple(fraction, fc.constantFrom(1000, 17_000, 90_000)), ([at, size], form) => {
    const part = partAt(form, at);
    if (part) part.headers = [...part.headers, `X-Big: ${'h'.repeat(size)}`];
  }),
);

type WithBoundary = (boundary: string) => string;

/** One to three form edits, one most often. */
export const formEditsArbitrary: fc.Arbitrary<FormEdit[]> = fc.oneof(
  { weight: 5, arbitrary: fc.array(formEditArbitrary, { minLength: 1, maxLength: 1 }) },
  { weight: 2, arbitrary: fc.array(formEditArbitrary, { minLength: 2, maxLength: 2 }) },
  { weight: 1, arbitrary: fc.array(formEditArbitrary, { minLength: 3, maxLength: 3 }) },
);
