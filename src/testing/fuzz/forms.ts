/** Multipart forms: valid ones made of real fixtures and names users give files. */
import { isSafeFileName } from '../../shared/check-file.js';
import { DEFAULT_FILE_TYPES, findFileType } from '../../shared/file-types.js';
import { fixture, pngOfSize } from '../fixtures.js';
import { multipart } from '../multipart.js';
import { CRLF, ROUTE, utf8AsBinary, type Draft } from './draft.js';
import type { ExpectedFile, FuzzContext } from './fuzz-case.js';
import type { Rng } from './tape.js';

export interface Part {
  /** Header lines, as bytes (latin1 strings). */
  headers: string[];
  body: Buffer;
}

export interface Form {
  boundary: string;
  /** The boundary the Content-Type header names (differs from `boundary` when mutated). */
  headerBoundary: string;
  /** The Content-Type header's value, when a mutation wrote it whole. */
  contentType?: string;
  parts: Part[];
  preamble: Buffer;
  epilogue: Buffer;
  /** The closing `--boundary--` line. */
  close: boolean;
  lineBreak: string;
}

export function renderForm(form: Form): Buffer {
  const { boundary, close, lineBreak, preamble, epilogue } = form;
  return multipart(form.parts, { boundary, close, lineBreak, preamble, epilogue, encoding: 'latin1' }).body;
}

export function contentTypeOf(form: Form): string {
  return form.contentType ?? `multipart/form-data; boundary=${form.headerBoundary}`;
}

export const fieldPart = (name: string, value: string | Buffer): Part => ({
  headers: [`Content-Disposition: form-data; name="${name}"`],
  body: typeof value === 'string' ? Buffer.from(value, 'utf8') : value,
});

/** How the file name travels in the part's header. */
export type NameEncoding = 'quoted' | 'html' | 'token' | 'ext-value';

export function filenameParam(name: string, encoding: NameEncoding): string {
  switch (encoding) {
    // RFC 2616 quoted-string: backslash escapes, as busboy reads them.
    case 'quoted':
      return `filename="${utf8AsBinary(name.replace(/\\/g, '\\\\').replace(/"/g, '\\"'))}"`;
    // What browsers send (the HTML standard): `"` as %22, CR and LF as %0D %0A.
    case 'html':
      return `filename="${utf8AsBinary(name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A'))}"`;
    case 'token':
      return `filename=${utf8AsBinary(name)}`;
    case 'ext-value':
      return `filename*=UTF-8''${extValue(name)}`;
  }
}

/** RFC 5987 percent-encoding: every byte outside attr-char encoded (`(`, `)`, `'`, `*` too). */
export function extValue(name: string): string {
  let out = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /^[A-Za-z0-9!#$&+.^_`|~-]$/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The name busboy reads back from {@link filenameParam}. */
export function decodedName(name: string, encoding: NameEncoding): string {
  return encoding === 'html' ? name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A') : name;
}

export const filePart = (name: string, bytes: Buffer, encoding: NameEncoding = 'quoted', field = 'file', type = 'application/octet-stream'): Part => ({
  headers: [`Content-Disposition: form-data; name="${field}"; ${filenameParam(name, encoding)}`, `Content-Type: ${type}`],
  body: bytes,
});

/**
 * Odd names a user's file may have (the caller adds an allowed extension). Whether the BFF takes
 * one is for `isSafeFileName` to say (bidi controls, for one, are refused): see `namesPass`.
 */
export const GOOD_STEMS = [
  'photo',
  'scan 2024-01-01',
  'photo (1)',
  'naïve café',
  '日本語のファイル',
  'emoji 😀',
  'a;b=c',
  "it's",
  '100%',
  '%22quoted%22',
  'a"b',
  'say "hi"',
  'UPPER',
  'a..b',
  '-',
  '#hash',
  'name?',
  '<script>alert(1)<',
  'a&amp;b',
  'ends with space ',
  '\u202Egnp',
  'x'.repeat(240),
  '__proto__',
  'constructor',
  '%2e%2e%2f',
  'Ω≈ç√∫',
];

/** Names a check refuses. */
export const BAD_NAMES = [
  '../x.png',
  '../../etc/passwd.png',
  'a\\b.png',
  'C:\\Users\\x.png',
  'a/b.png',
  'tab\there.png',
  'nul\u0000.png',
  'bell\u0007.png',
  '.png',
  '..',
  '.',
  ' ',
  'setup.exe',
  'photo.png.exe',
  'README',
  `${'n'.repeat(300)}.png`,
  'line\r\nbreak.png',
  'del\u007f.png',
  'x.html',
  'x.svg',
  'photo.png ',
  'photo.',
];

export const FIXTURE_NAMES = DEFAULT_FILE_TYPES.map((type) => `sample${type.extensions[0]}`);
const fixtureCache = new Map<string, Buffer>();
export function fixtureBytes(name: string): Buffer {
  let bytes = fixtureCache.get(name);
  if (!bytes) {
    bytes = Buffer.from(fixture(name).bytes);
    fixtureCache.set(name, bytes);
  }
  return bytes;
}

/** A file that passes: a name with an allowed extension, and real bytes of that type. */
export function goodFile(rng: Rng, big: boolean): { name: string; bytes: Buffer } {
  if (big) return { name: `${rng.pick(GOOD_STEMS)}.png`, bytes: Buffer.from(pngOfSize(rng.between(20_000, 300_000), rng.int(1000))) };
  const sample = rng.pick(FIXTURE_NAMES);
  const type = findFileType(sample)!;
  const extension = rng.pick(type.extensions);
  const stem = rng.chance(0.5) ? 'file' : rng.pick(GOOD_STEMS);
  const upper = rng.chance(0.1);
  return { name: `${stem}${upper ? extension.toUpperCase() : extension}`, bytes: fixtureBytes(sample) };
}

export interface ValidForm {
  form: Form;
  files: ExpectedFile[];
}

/** A form the BFF must take if its names pass: `conversationId` first, then one to five good files. */
export function validForm(rng: Rng, conversationId: string): ValidForm {
  const count = rng.weighted([
    [10, 1],
    [2, 2],
    [1, rng.between(3, 5)],
  ] as const);
  const parts: Part[] = [fieldPart('conversationId', conversationId)];
  const files: ExpectedFile[] = [];
  for (let i = 0; i < count; i += 1) {
    const file = goodFile(rng, rng.chance(0.04));
    const encoding = rng.weighted([
      [6, 'quoted'],
      [3, 'html'],
      [1, 'ext-value'],
      [1, 'token'],
    ] as const);
    const usable = encoding !== 'token' || /^[A-Za-z0-9._-]+$/.test(file.name) ? encoding : 'quoted';
    const name = decodedName(file.name, usable);
    const type = findFileType(name);
    parts.push(filePart(file.name, file.bytes, usable, 'file', type && rng.chance(0.5) ? type.mimeTypes[0]! : 'application/octet-stream'));
    files.push({ name, size: file.bytes.length });
  }
  const boundary = rng.pick([
    '----WebKitFormBoundary7MA4YWxkTrZu0gW',
    '----geckoformboundary1234567890abcdef',
    `fz${rng.int(1e9)}`,
    "'()+_,-./:=?",
    'x',
    '-'.repeat(70),
  ]);
  return {
    form: { boundary, headerBoundary: /[^A-Za-z0-9_-]/.test(boundary) ? `"${boundary}"` : boundary, parts, preamble: Buffer.alloc(0), epilogue: Buffer.alloc(0), close: true, lineBreak: CRLF },
    files,
  };
}

/** Every file of the form passes the BFF's name checks (the content is the caller's to know). */
export function namesPass(files: readonly ExpectedFile[]): boolean {
  return files.every((file) => isSafeFileName(file.name) && findFileType(file.name) !== undefined);
}

export function baseDraft(ctx: FuzzContext, form: Form, rng: Rng): Draft {
  const headers = [`Host: ${ctx.host}`];
  if (rng.chance(0.3)) headers.push('User-Agent: Mozilla/5.0 (fuzz)');
  headers.push(`Content-Type: ${contentTypeOf(form)}`, 'X-Requested-With: ghl-attachments');
  if (rng.chance(0.2)) headers.push(`Origin: http://${ctx.host}`);
  if (rng.chance(0.1)) headers.push('Sec-Fetch-Site: same-origin');
  if (rng.chance(0.1)) headers.push('Accept: application/json');
  headers.push('Connection: close');
  return { method: 'POST', target: ROUTE, version: 'HTTP/1.1', headers, body: renderForm(form), framing: 'length', notes: [] };
}
