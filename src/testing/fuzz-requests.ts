/**
 * Generated HTTP requests for the fuzz test (src/server/fuzz.test.ts), as raw bytes: valid
 * uploads, and the same uploads broken in the ways a hostile or broken client breaks them
 * (methods, targets, Host values, header bytes, framing, multipart bodies, truncations, slow
 * writes, clients that leave). Every choice is drawn by fast-check (see {@link fuzzBatch}), so its
 * seed replays a run and a failing batch shrinks to a small one.
 *
 * Also the client that sends them: a plain TCP socket, because Node's own HTTP client refuses to
 * send most of these requests, and a small parser for the answers.
 */
import { connect } from 'node:net';
import fc from 'fast-check';
import { isSafeFileName } from '../shared/check-file.js';
import { DEFAULT_FILE_TYPES, findFileType } from '../shared/file-types.js';
import { fixture, pngOfSize } from './fixtures.js';
import { multipart } from './multipart.js';

// ---------------------------------------------------------------------------------------------
// Choices, drawn by fast-check

/** How many choices one case draws before its draws repeat (most make fewer). */
const TAPE_LENGTH = 320;
/** Random bytes are this many drawn bytes, repeated to the length asked. */
const BYTES_DRAWN = 64;
const UINT32 = 2 ** 32;

/**
 * The choices a case makes beyond its kind's own arbitraries (the valid form it starts from, the
 * mutators, pacing, leaving): a fixed-length list of 32-bit numbers that fast-check generates from
 * its seed and shrinks first by zeroing the tail (every later choice the simplest), then number by
 * number toward 0. A choice of 0 is the first item, the smallest number and "no" to every
 * `chance`: a shrunk case is its kind's request with as few changes as still fail.
 */
class TapeArbitrary extends fc.Arbitrary<readonly number[]> {
  private readonly number = fc.noBias(fc.integer({ min: 0, max: UINT32 - 1 }));

  generate(mrng: fc.Random): fc.Value<readonly number[]> {
    return new fc.Value(Array.from({ length: TAPE_LENGTH }, () => this.number.generate(mrng, undefined).value), undefined);
  }

  canShrinkWithoutContext(value: unknown): value is readonly number[] {
    return Array.isArray(value) && value.every((item) => Number.isInteger(item));
  }

  shrink(tape: readonly number[]): fc.Stream<fc.Value<readonly number[]>> {
    const number = this.number;
    return fc.stream(
      (function* () {
        let used = tape.length;
        while (used > 0 && tape[used - 1] === 0) used -= 1;
        for (let keep = 0; keep < used; keep = keep === 0 ? 1 : keep * 2) {
          if (keep >= used) break;
          yield new fc.Value([...tape.slice(0, keep), ...new Array<number>(tape.length - keep).fill(0)], undefined);
        }
        for (let at = 0; at < used; at += 1) {
          if (tape[at] === 0) continue;
          for (const smaller of number.shrink(tape[at]!, undefined)) yield new fc.Value(tape.with(at, smaller.value), undefined);
        }
      })(),
    );
  }
}

/** Choices read in order off a case's tape, from its start again past its end. */
export class Rng {
  private at = 0;

  constructor(private readonly tape: readonly number[]) {}

  /** In [0, 1). */
  float(): number {
    const value = this.tape.length === 0 ? 0 : this.tape[this.at % this.tape.length]!;
    this.at += 1;
    return value / UINT32;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** An integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** True with probability `p`; a shrunk choice says no. */
  chance(p: number): boolean {
    return this.float() >= 1 - p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  weighted<T>(entries: readonly (readonly [number, T])[]): T {
    const total = entries.reduce((sum, [weight]) => sum + weight, 0);
    let roll = this.float() * total;
    for (const [weight, value] of entries) {
      roll -= weight;
      if (roll < 0) return value;
    }
    return entries[entries.length - 1]![1];
  }

  bytes(n: number): Buffer {
    const drawn = Buffer.alloc(Math.min(n, BYTES_DRAWN));
    for (let i = 0; i < drawn.length; i += 4) {
      const word = Buffer.alloc(4);
      word.writeUInt32LE(this.tape.length === 0 ? 0 : this.tape[this.at % this.tape.length]!);
      this.at += 1;
      word.copy(drawn, i);
    }
    return n <= drawn.length ? drawn : Buffer.alloc(n, drawn);
  }
}


// ---------------------------------------------------------------------------------------------
// Cases

/**
 * What the server owes the client once the writes are done: `answer`, an HTTP status line (the
 * head is complete and the client waits: Node's parser, the route or the 408 of the client window
 * answers); `end`, an answer or a closed connection, never a hang; `any`, nothing (the head never
 * ended, or the client left).
 */
export type Expectation = 'answer' | 'end' | 'any';

/** After the writes: wait for the answer, drop the connection, or half-close it (FIN) and listen. */
export type Then = 'wait' | 'destroy' | 'half-close';

export interface ExpectedFile {
  name: string;
  size: number;
}

export interface FuzzCase {
  id: number;
  kind: FuzzKind;
  /** What was done to the request, in words. */
  note: string;
  /** Sent in order; a number pauses that many ms. */
  writes: (Buffer | number)[];
  then: Then;
  expect: Expectation;
  /** For a request that is valid in every way: the status it must get (200). */
  expectStatus?: number;
  /** For a valid upload: the files its 200 must list, in order. */
  expectFiles?: ExpectedFile[];
  /**
   * The client sent a complete upload and left before reading the answer: HighLevel may have
   * stored its file with no answer ever read (the upload had gone through when the client left).
   */
  leavesAfterComplete: boolean;
  /** The conversation id the (unmutated) form carries: `fz-<id>`. */
  conversationId: string;
  /** Likely to hold its socket for a second or more (the client window, pauses). */
  slow: boolean;
}

export type FuzzKind =
  | 'valid'
  | 'method'
  | 'target'
  | 'host'
  | 'header'
  | 'length'
  | 'chunked'
  | 'body'
  | 'slow'
  | 'leave'
  | 'pipeline'
  | 'preview'
  | 'message';

export interface FuzzContext {
  /** `127.0.0.1:PORT`: the BFF's Host. */
  host: string;
  /** A real preview handle (from an earlier good upload), to replay and mutate. */
  previewHandle?: string;
  /** A real file handle, and the conversation it was uploaded for, to send in a message. */
  attachment?: { handle: string; conversationId: string };
}

const KINDS: readonly (readonly [number, FuzzKind])[] = [
  [8, 'valid'],
  [8, 'method'],
  [8, 'target'],
  [7, 'host'],
  [10, 'header'],
  [7, 'length'],
  [7, 'chunked'],
  [28, 'body'],
  [1.2, 'slow'],
  [2.5, 'leave'],
  [2, 'pipeline'],
  [3, 'preview'],
  [6, 'message'],
];

export const ROUTE = '/api/attachments';
const CRLF = '\r\n';

/** A request before it is turned into bytes. */
interface Draft {
  method: string;
  target: string;
  version: string;
  /** Header lines, as bytes (latin1 strings), in order. */
  headers: string[];
  body: Buffer;
  /** `length`: a Content-Length is added unless one is there; `chunked`: encoded as chunks. */
  framing: 'length' | 'chunked' | 'none';
  notes: string[];
}

const bin = (text: string) => Buffer.from(text, 'latin1');
const utf8AsBinary = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

function headerIndex(draft: Draft, name: string): number {
  const lower = `${name.toLowerCase()}:`;
  return draft.headers.findIndex((line) => line.toLowerCase().startsWith(lower));
}

function setHeader(draft: Draft, name: string, value: string | undefined): void {
  const at = headerIndex(draft, name);
  if (value === undefined) {
    if (at >= 0) draft.headers.splice(at, 1);
  } else if (at >= 0) draft.headers[at] = `${name}: ${value}`;
  else draft.headers.push(`${name}: ${value}`);
}

function renderHead(draft: Draft): Buffer {
  const line = `${draft.method} ${draft.target}${draft.version ? ` ${draft.version}` : ''}`;
  return bin(`${[line, ...draft.headers].join(CRLF)}${CRLF}${CRLF}`);
}

/** The draft as bytes: head (with Content-Length or Transfer-Encoding as framed) and body. */
function render(draft: Draft, rng: Rng): { head: Buffer; body: Buffer } {
  if (draft.framing === 'length' && headerIndex(draft, 'content-length') < 0) {
    draft.headers.push(`Content-Length: ${draft.body.length}`);
  }
  if (draft.framing === 'chunked') {
    if (headerIndex(draft, 'transfer-encoding') < 0) draft.headers.push('Transfer-Encoding: chunked');
    return { head: renderHead(draft), body: chunked(draft.body, rng) };
  }
  return { head: renderHead(draft), body: draft.body };
}

/** Valid chunked encoding, with random chunk sizes (sometimes extensions and a trailer). */
function chunked(body: Buffer, rng: Rng, options: { terminate?: boolean } = {}): Buffer {
  const pieces: Buffer[] = [];
  for (let at = 0; at < body.length; ) {
    const size = Math.min(body.length - at, rng.chance(0.3) ? rng.between(1, 16) : rng.between(1, 4096));
    const hex = size.toString(16);
    const sizeText = rng.chance(0.1) ? hex.toUpperCase().padStart(hex.length + rng.int(3), '0') : hex;
    const ext = rng.chance(0.05) ? ';name=value' : '';
    pieces.push(bin(`${sizeText}${ext}${CRLF}`), body.subarray(at, at + size), bin(CRLF));
    at += size;
  }
  if (options.terminate !== false) pieces.push(bin(rng.chance(0.05) ? `0${CRLF}X-Trailer: yes${CRLF}${CRLF}` : `0${CRLF}${CRLF}`));
  return Buffer.concat(pieces);
}

// ---------------------------------------------------------------------------------------------
// Multipart forms

interface Part {
  /** Header lines, as bytes (latin1 strings). */
  headers: string[];
  body: Buffer;
}

interface Form {
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

function renderForm(form: Form): Buffer {
  const { boundary, close, lineBreak, preamble, epilogue } = form;
  return multipart(form.parts, { boundary, close, lineBreak, preamble, epilogue, encoding: 'latin1' }).body;
}

function contentTypeOf(form: Form): string {
  return form.contentType ?? `multipart/form-data; boundary=${form.headerBoundary}`;
}

const fieldPart = (name: string, value: string | Buffer): Part => ({
  headers: [`Content-Disposition: form-data; name="${name}"`],
  body: typeof value === 'string' ? Buffer.from(value, 'utf8') : value,
});

/** How the file name travels in the part's header. */
type NameEncoding = 'quoted' | 'html' | 'token' | 'ext-value';

function filenameParam(name: string, encoding: NameEncoding): string {
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
function extValue(name: string): string {
  let out = '';
  for (const byte of Buffer.from(name, 'utf8')) {
    const char = String.fromCharCode(byte);
    out += /^[A-Za-z0-9!#$&+.^_`|~-]$/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The name busboy reads back from {@link filenameParam}. */
function decodedName(name: string, encoding: NameEncoding): string {
  return encoding === 'html' ? name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A') : name;
}

const filePart = (name: string, bytes: Buffer, encoding: NameEncoding = 'quoted', field = 'file', type = 'application/octet-stream'): Part => ({
  headers: [`Content-Disposition: form-data; name="${field}"; ${filenameParam(name, encoding)}`, `Content-Type: ${type}`],
  body: bytes,
});

/**
 * Odd names a user's file may have (the caller adds an allowed extension). Whether the BFF takes
 * one is for `isSafeFileName` to say (bidi controls, for one, are refused): see `namesPass`.
 */
const GOOD_STEMS = [
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
const BAD_NAMES = [
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

const FIXTURE_NAMES = DEFAULT_FILE_TYPES.map((type) => `sample${type.extensions[0]}`);
const fixtureCache = new Map<string, Buffer>();
function fixtureBytes(name: string): Buffer {
  let bytes = fixtureCache.get(name);
  if (!bytes) {
    bytes = Buffer.from(fixture(name).bytes);
    fixtureCache.set(name, bytes);
  }
  return bytes;
}

/** A file that passes: a name with an allowed extension, and real bytes of that type. */
function goodFile(rng: Rng, big: boolean): { name: string; bytes: Buffer } {
  if (big) return { name: `${rng.pick(GOOD_STEMS)}.png`, bytes: Buffer.from(pngOfSize(rng.between(20_000, 300_000), rng.int(1000))) };
  const sample = rng.pick(FIXTURE_NAMES);
  const type = findFileType(sample)!;
  const extension = rng.pick(type.extensions);
  const stem = rng.chance(0.5) ? 'file' : rng.pick(GOOD_STEMS);
  const upper = rng.chance(0.1);
  return { name: `${stem}${upper ? extension.toUpperCase() : extension}`, bytes: fixtureBytes(sample) };
}

interface ValidForm {
  form: Form;
  files: ExpectedFile[];
}

/** A form the BFF must take if its names pass: `conversationId` first, then one to five good files. */
function validForm(rng: Rng, conversationId: string): ValidForm {
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
function namesPass(files: readonly ExpectedFile[]): boolean {
  return files.every((file) => isSafeFileName(file.name) && findFileType(file.name) !== undefined);
}

function baseDraft(ctx: FuzzContext, form: Form, rng: Rng): Draft {
  const headers = [`Host: ${ctx.host}`];
  if (rng.chance(0.3)) headers.push('User-Agent: Mozilla/5.0 (fuzz)');
  headers.push(`Content-Type: ${contentTypeOf(form)}`, 'X-Requested-With: ghl-attachments');
  if (rng.chance(0.2)) headers.push(`Origin: http://${ctx.host}`);
  if (rng.chance(0.1)) headers.push('Sec-Fetch-Site: same-origin');
  if (rng.chance(0.1)) headers.push('Accept: application/json');
  headers.push('Connection: close');
  return { method: 'POST', target: ROUTE, version: 'HTTP/1.1', headers, body: renderForm(form), framing: 'length', notes: [] };
}

// ---------------------------------------------------------------------------------------------
// Byte-level mutation

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
function mutateBytes(rng: Rng, bytes: Buffer, boundary: string, notes: string[], rounds = rng.between(1, 4)): Buffer {
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

// ---------------------------------------------------------------------------------------------
// Structural mutation of forms

function mutateForm(rng: Rng, form: Form, notes: string[]): void {
  const fileIndexes = () => form.parts.map((part, i) => (part.headers[0]?.includes('filename') ? i : -1)).filter((i) => i >= 0);
  const op = rng.weighted([
    [3, 'duplicate-field'],
    [3, 'field-after-files'],
    [3, 'extra-field'],
    [2, 'no-conversation'],
    [4, 'conversation-value'],
    [3, 'duplicate-file'],
    [2, 'six-files'],
    [2, 'no-files'],
    [3, 'file-field-name'],
    [6, 'bad-name'],
    [3, 'odd-name-encoding'],
    [4, 'wrong-content'],
    [2, 'empty-file'],
    [2, 'part-headers'],
    [4, 'boundary'],
    [2, 'line-breaks'],
    [2, 'preamble-epilogue'],
    [2, 'unclosed'],
    [1, 'many-fields'],
    [1, 'huge-field'],
    [1, 'huge-part-header'],
  ] as const);
  notes.push(op);
  switch (op) {
    case 'duplicate-field':
      form.parts.splice(1, 0, fieldPart('conversationId', rng.chance(0.5) ? 'other' : 'fz-dup'));
      break;
    case 'field-after-files':
      form.parts.push(fieldPart(rng.pick(['conversationId', 'locationId', 'note']), 'x'));
      break;
    case 'extra-field':
      form.parts.splice(rng.between(0, 1), 0, fieldPart(rng.pick(['locationId', 'attachmentUrls', 'contactId', 'file', '', 'conversationid']), rng.pick(['someone-else', 'https://evil.example/x', ''])));
      break;
    case 'no-conversation':
      form.parts.shift();
      break;
    case 'conversation-value': {
      const value = rng.pick(['', 'a'.repeat(129), 'b'.repeat(300), '../../admin', 'conv 1', 'ü', '\u0000', 'x\r\ny', 'a'.repeat(128), 'conv1;x', '%2e%2e']);
      form.parts[0] = fieldPart('conversationId', value);
      notes.push(JSON.stringify(value.length > 20 ? `${value[0]}×${value.length}` : value));
      break;
    }
    case 'duplicate-file': {
      const files = fileIndexes();
      if (files.length > 0) form.parts.push(form.parts[rng.pick(files)]!);
      break;
    }
    case 'six-files': {
      const files = fileIndexes();
      if (files.length > 0) while (form.parts.length < 7 + rng.int(3)) form.parts.push(form.parts[rng.pick(files)]!);
      break;
    }
    case 'no-files':
      form.parts = form.parts.filter((part) => !part.headers[0]?.includes('filename'));
      break;
    case 'file-field-name': {
      const files = fileIndexes();
      const index = files.length > 0 ? rng.pick(files) : 1;
      const part = form.parts[index];
      if (part) {
        const name = rng.pick(['fileAttachment', 'File', 'files', 'file[]', '', 'conversationId']);
        part.headers = [(part.headers[0] ?? '').replace(/name="[^"]*"/, `name="${name}"`), ...part.headers.slice(1)];
      }
      break;
    }
    case 'bad-name':
    case 'odd-name-encoding': {
      const files = fileIndexes();
      const index = files.length > 0 ? rng.pick(files) : -1;
      const part = form.parts[index];
      if (!part) break;
      const name = op === 'bad-name' ? rng.pick(BAD_NAMES) : `${rng.pick(GOOD_STEMS)}.png`;
      const encoding = rng.pick(['quoted', 'html', 'token', 'ext-value'] as const);
      const raw = rng.pick([
        filenameParam(name, encoding),
        `filename="${utf8AsBinary(name)}"`,
        `filename="${name}`,
        `filename="a.png"; filename*=UTF-8''${extValue(name)}`,
        `filename*=ISO-8859-1''${escape(name)}`,
        `filename*=UTF-8''%E0%A4%A`,
        `filename=""`,
        `FILENAME="${utf8AsBinary(name)}"`,
      ]);
      part.headers = [`Content-Disposition: form-data; name="file"; ${raw}`, ...part.headers.slice(1)];
      notes.push(JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw));
      break;
    }
    case 'wrong-content': {
      const files = fileIndexes();
      const part = form.parts[files.length > 0 ? rng.pick(files) : -1];
      if (!part) break;
      const content = rng.pick(['exe', 'html', 'other-fixture', 'random', 'text-in-binary', 'truncated-signature'] as const);
      notes.push(content);
      if (content === 'exe') part.body = Buffer.concat([bin('MZ\u0090\u0000\u0003'), Buffer.alloc(rng.between(0, 600))]);
      else if (content === 'html') part.body = bin('<html><script>alert(1)</script></html>');
      else if (content === 'other-fixture') part.body = fixtureBytes(rng.pick(FIXTURE_NAMES));
      else if (content === 'random') part.body = rng.bytes(rng.between(1, 5000));
      else if (content === 'text-in-binary') part.body = bin('just some text\n'.repeat(rng.between(1, 40)));
      else part.body = part.body.subarray(0, rng.between(1, Math.min(8, part.body.length)));
      break;
    }
    case 'empty-file': {
      const files = fileIndexes();
      const part = form.parts[files.length > 0 ? rng.pick(files) : -1];
      if (part) part.body = Buffer.alloc(0);
      break;
    }
    case 'part-headers': {
      const part = rng.pick(form.parts);
      if (!part) break;
      // Parts keep at least a first line here, even after an earlier mutation dropped them all.
      const first = part.headers[0] ?? 'Content-Disposition: form-data; name="file"; filename="x.png"';
      const change = rng.pick(['drop-disposition', 'drop-all', 'fold', 'nul', 'no-colon', 'attachment', 'lower-case', 'content-transfer-encoding', 'duplicate-disposition'] as const);
      notes.push(change);
      if (change === 'drop-disposition') part.headers = part.headers.slice(1);
      else if (change === 'drop-all') part.headers = [];
      else if (change === 'fold') part.headers = [first.replace('; ', ';\r\n '), ...part.headers.slice(1)];
      else if (change === 'nul') part.headers = [`${first}\u0000`, ...part.headers.slice(1)];
      else if (change === 'no-colon') part.headers = [...part.headers, 'Garbage header line'];
      else if (change === 'attachment') part.headers = [first.replace('form-data', 'attachment'), ...part.headers.slice(1)];
      else if (change === 'lower-case') part.headers = part.headers.map((line) => line.toLowerCase());
      else if (change === 'content-transfer-encoding') part.headers = [...part.headers, `Content-Transfer-Encoding: ${rng.pick(['base64', 'quoted-printable', '8bit', 'x'])}`];
      else part.headers = [first.replace(/name="[^"]*"/, 'name="other"'), ...part.headers];
      break;
    }
    case 'boundary': {
      const change = rng.pick(['other', 'empty', 'quoted-open', 'not-a-boundary-param', 'case', 'two-params', 'long', 'spaces', 'in-content', 'prefix', 'no-params', 'charset-first', 'missing-semicolon'] as const);
      notes.push(change);
      if (change === 'other') form.headerBoundary = 'other';
      else if (change === 'empty') form.contentType = 'multipart/form-data; boundary=';
      else if (change === 'quoted-open') form.contentType = `multipart/form-data; boundary="${form.boundary}`;
      else if (change === 'not-a-boundary-param') form.contentType = `multipart/form-data; a="boundary=${form.boundary}"`;
      else if (change === 'case') form.contentType = `Multipart/Form-Data; BOUNDARY=${form.headerBoundary}`;
      else if (change === 'two-params') form.contentType = `multipart/form-data; boundary=${form.headerBoundary}; boundary=zz`;
      else if (change === 'long') {
        form.boundary = 'b'.repeat(rng.pick([70, 71, 200, 5000]));
        form.headerBoundary = form.boundary;
      } else if (change === 'spaces') form.contentType = `multipart/form-data ;  boundary = ${form.headerBoundary} `;
      else if (change === 'in-content') {
        const part = form.parts[form.parts.length - 1]!;
        part.body = Buffer.concat([part.body, bin(`${CRLF}--${form.boundary}`)]);
      } else if (change === 'prefix') form.headerBoundary = form.boundary.slice(0, Math.max(1, form.boundary.length - 1));
      else if (change === 'no-params') form.contentType = 'multipart/form-data;';
      else if (change === 'charset-first') form.contentType = `multipart/form-data; charset=utf-8; boundary=${form.headerBoundary}`;
      else form.contentType = `multipart/form-data boundary=${form.headerBoundary}`;
      break;
    }
    case 'line-breaks':
      form.lineBreak = rng.pick(['\n', '\r', '\r\r\n']);
      break;
    case 'preamble-epilogue':
      if (rng.chance(0.5)) form.preamble = bin(rng.pick(['preamble\r\n', '\r\n', 'x'.repeat(2000), '--\r\n']));
      else form.epilogue = bin(rng.pick(['epilogue', `--${form.boundary}\r\nContent-Disposition: form-data; name="file"; filename="late.png"\r\n\r\nxx\r\n`, '\u0000'.repeat(100)]));
      break;
    case 'unclosed':
      form.close = false;
      break;
    case 'many-fields':
      for (let i = 0; i < rng.between(4, 40); i += 1) form.parts.splice(1, 0, fieldPart(`f${i}`, 'v'));
      break;
    case 'huge-field':
      form.parts[0] = fieldPart('conversationId', 'a'.repeat(rng.pick([257, 10_000, 200_000])));
      break;
    case 'huge-part-header': {
      const part = rng.pick(form.parts)!;
      part.headers = [...part.headers, `X-Big: ${'h'.repeat(rng.pick([1000, 17_000, 90_000]))}`];
      break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Head mutation

const METHODS = [
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

function randomToken(rng: Rng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += TCHARS[rng.int(TCHARS.length)];
  return out;
}

const token = (minLength: number, maxLength: number) => fc.string({ unit: fc.constantFrom(...TCHARS), minLength, maxLength });

/** Something the BFF's `Host` (`127.0.0.1:PORT`) goes into, known only when the case is sent. */
type WithHost<T> = (host: string) => T;

/** A fraction in [0, 1): where in the bytes a client stops; shrinks toward the start. */
const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

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
const sometimes = <T>(percent: number, value: fc.Arbitrary<T>, otherwise: fc.Arbitrary<T>): fc.Arbitrary<T> =>
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
function mutateHeaders(rng: Rng, ctx: FuzzContext, draft: Draft): void {
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

// ---------------------------------------------------------------------------------------------
// Framing

function mutateLength(rng: Rng, draft: Draft): void {
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
function mutateChunked(rng: Rng, draft: Draft): Buffer {
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

// ---------------------------------------------------------------------------------------------
// The generator

/** Writes the bytes in pieces cut at random offsets, with short pauses so that they arrive apart. */
function splitWrites(rng: Rng, bytes: Buffer, pieces: number, pause: () => number): (Buffer | number)[] {
  const cuts = new Set<number>();
  for (let i = 1; i < pieces; i += 1) cuts.add(rng.between(1, Math.max(1, bytes.length - 1)));
  const sorted = [...cuts].filter((cut) => cut > 0 && cut < bytes.length).sort((a, b) => a - b);
  const writes: (Buffer | number)[] = [];
  let from = 0;
  for (const cut of sorted) {
    writes.push(bytes.subarray(from, cut), pause());
    from = cut;
  }
  writes.push(bytes.subarray(from));
  return writes;
}

/** Whether a complete head (ending in CRLF CRLF) is among the first `length` bytes sent. */
function headEndsWithin(bytes: Buffer, length: number): boolean {
  const end = bytes.indexOf('\r\n\r\n');
  return end >= 0 && end + 4 <= length;
}

/**
 * One generated request, from its own choices (see {@link Rng}). `id` names it in
 * reports and in its form's conversation id. The same stream gives the same request, but for the
 * port in `Host` (and what its length shifts) and the fixtures it is made of.
 */
export function generateCase(recipe: CaseRecipe, id: number, ctx: FuzzContext): FuzzCase {
  const { kind } = recipe;
  const rng = new Rng(recipe.tape);
  const conversationId = `fz-${id}`;
  const base = validForm(rng, conversationId);
  const draft = baseDraft(ctx, base.form, rng);
  const made: Omit<FuzzCase, 'id' | 'kind' | 'conversationId' | 'note'> = {
    writes: [],
    then: 'wait',
    expect: 'answer',
    leavesAfterComplete: false,
    slow: false,
  };

  switch (kind) {
    case 'valid': {
      const variant = recipe.valid!;
      draft.notes.push(variant);
      if (variant === 'chunked') draft.framing = 'chunked';
      if (variant === 'http-1.0') draft.version = 'HTTP/1.0';
      if (variant === 'expect-continue') draft.headers.splice(1, 0, 'Expect: 100-continue');
      if (variant === 'header-case') draft.headers = draft.headers.map((line) => (rng.chance(0.5) ? line.replace(/^[^:]+/, (name) => name.toUpperCase()) : line.replace(/^[^:]+/, (name) => name.toLowerCase())));
      const { head, body } = render(draft, rng);
      const bytes = Buffer.concat([head, body]);
      made.writes = variant === 'split' ? splitWrites(rng, bytes, rng.between(2, 8), () => rng.between(1, 3)) : [bytes];
      if (namesPass(base.files)) {
        made.expectStatus = 200;
        made.expectFiles = base.files;
      }
      break;
    }
    case 'method': {
      const method = recipe.method!;
      draft.method = method;
      draft.notes.push(JSON.stringify(method.length > 30 ? `${method[0]}×${method.length}` : method));
      const { head, body } = render(draft, rng);
      made.writes = [Buffer.concat([head, body])];
      // Node closes a CONNECT it has no handler for without a word.
      if (method === 'CONNECT') made.expect = 'end';
      break;
    }
    case 'target': {
      draft.method = rng.pick(['POST', 'POST', 'GET', 'OPTIONS', 'HEAD']);
      draft.target = recipe.target!(ctx.host);
      draft.notes.push(`${draft.method} ${JSON.stringify(draft.target.length > 60 ? `${draft.target.slice(0, 40)}…(${draft.target.length})` : draft.target)}`);
      const { head, body } = render(draft, rng);
      made.writes = [Buffer.concat([head, body])];
      break;
    }
    case 'host': {
      const value = recipe.host!(ctx.host);
      const hostAt = headerIndex(draft, 'host');
      if (value === undefined) draft.headers.splice(hostAt, 1);
      else draft.headers[hostAt] = `Host: ${value}`;
      if (rng.chance(0.2)) draft.headers.splice(rng.between(0, draft.headers.length), 0, `Host: ${rng.chance(0.5) ? ctx.host : 'evil.example'}`);
      if (rng.chance(0.2) && value) draft.headers.push(`Origin: http://${value}`);
      if (rng.chance(0.2)) draft.version = 'HTTP/1.0';
      draft.notes.push(value === undefined ? 'no Host' : JSON.stringify(value.length > 40 ? `${value[0]}×${value.length}` : value));
      const { head, body } = render(draft, rng);
      made.writes = [Buffer.concat([head, body])];
      break;
    }
    case 'header': {
      for (let i = rng.weighted([
        [6, 1],
        [2, 2],
        [1, 3],
      ] as const); i > 0; i -= 1) mutateHeaders(rng, ctx, draft);
      const { head: cleanHead, body } = render(draft, rng);
      let head = cleanHead;
      if (rng.chance(0.2)) {
        // Random damage to the head's bytes; its framing may no longer be what it says.
        head = mutateBytes(rng, head.subarray(0, head.length - 4), '', draft.notes, rng.between(1, 3));
        head = Buffer.concat([head, bin(`${CRLF}${CRLF}`)]);
        if (head.indexOf('\r\n\r\n') !== head.length - 4) made.expect = 'any';
        else made.expect = 'end';
        made.slow = true;
      }
      made.writes = [Buffer.concat([head, body])];
      break;
    }
    case 'length': {
      mutateLength(rng, draft);
      const { head, body } = render(draft, rng);
      made.writes = [Buffer.concat([head, body])];
      made.slow = draft.notes[0] === 'long';
      break;
    }
    case 'chunked': {
      draft.framing = 'none';
      const body = mutateChunked(rng, draft);
      const { head } = render(draft, rng);
      made.writes = [Buffer.concat([head, body])];
      made.slow = ['size-too-big', 'no-terminator', 'terminator-without-crlf'].includes(draft.notes[0] ?? '');
      break;
    }
    case 'body': {
      const form = base.form;
      const structural = rng.chance(0.6);
      if (structural) for (let i = rng.weighted([
        [5, 1],
        [2, 2],
        [1, 3],
      ] as const); i > 0; i -= 1) mutateForm(rng, form, draft.notes);
      let body = renderForm(form);
      if (!structural || rng.chance(0.3)) body = mutateBytes(rng, body, form.boundary, draft.notes);
      const { truncateAt, chunked: inChunks, split } = recipe.body!;
      if (truncateAt !== undefined) {
        const at = Math.floor(truncateAt * body.length);
        body = body.subarray(0, at);
        draft.notes.push(`truncated at ${at}`);
      }
      setHeader(draft, 'Content-Type', contentTypeOf(form));
      draft.body = body;
      if (inChunks) draft.framing = 'chunked';
      const { head, body: wire } = render(draft, rng);
      const bytes = Buffer.concat([head, wire]);
      made.writes = split ? splitWrites(rng, bytes, rng.between(2, 6), () => rng.between(1, 3)) : [bytes];
      break;
    }
    case 'slow': {
      if (rng.chance(0.5)) {
        const part = base.form.parts[1]!;
        part.body = Buffer.from(pngOfSize(rng.between(2_000, 40_000), rng.int(1000)));
        part.headers = ['Content-Disposition: form-data; name="file"; filename="slow.png"', 'Content-Type: image/png'];
        draft.body = renderForm(base.form);
      }
      const { head, body } = render(draft, rng);
      const full = Buffer.concat([head, body]);
      const { stop, at, pieces, pausesMs, then } = recipe.slow!;
      const length = stop === 'complete' ? full.length : stop === 'mid-head' ? 1 + Math.floor(at * (head.length - 1)) : head.length + Math.floor(at * (full.length - head.length));
      let budget = 700;
      const pauses = pausesMs.values();
      made.writes = splitWrites(rng, full.subarray(0, length), pieces, () => {
        const pause = Math.min(budget, pauses.next().value ?? 20);
        budget -= pause;
        return pause;
      });
      made.then = then;
      made.leavesAfterComplete = stop === 'complete' && made.then !== 'wait';
      made.expect = made.then === 'destroy' ? 'any' : made.then === 'half-close' ? 'end' : headEndsWithin(full, length) ? 'answer' : 'any';
      made.slow = true;
      draft.notes.push(`${stop}, ${length} of ${full.length} bytes in ${pieces} pieces, then ${made.then}`);
      break;
    }
    case 'leave': {
      const { head, body } = render(draft, rng);
      const full = Buffer.concat([head, body]);
      const { cut, pauseMs: pause, then } = recipe.leave!;
      const complete = cut === undefined;
      const length = complete ? full.length : 1 + Math.floor(cut * (full.length - 1));
      made.writes = [full.subarray(0, length)];
      if (pause > 0) made.writes.push(pause);
      made.then = then;
      made.leavesAfterComplete = complete;
      made.expect = made.then === 'destroy' ? 'any' : 'end';
      draft.notes.push(`${complete ? 'complete' : `${length} of ${full.length} bytes`}, ${pause} ms, then ${made.then}`);
      break;
    }
    case 'pipeline': {
      const count = rng.between(2, 3);
      const requests: Buffer[] = [];
      for (let i = 0; i < count; i += 1) {
        const last = i === count - 1;
        const which = rng.pick(['get', 'options', 'upload', 'bad-upload'] as const);
        draft.notes.push(which);
        const form = validForm(rng, `${conversationId}-${i}`);
        const one = baseDraft(ctx, form.form, rng);
        if (which === 'get') Object.assign(one, { method: 'GET', body: Buffer.alloc(0), framing: 'none' });
        if (which === 'options') Object.assign(one, { method: 'OPTIONS', body: Buffer.alloc(0), framing: 'none' });
        if (which === 'bad-upload') setHeader(one, 'X-Requested-With', undefined);
        if (!last) setHeader(one, 'Connection', 'keep-alive');
        const { head, body } = render(one, rng);
        requests.push(head, body);
      }
      made.writes = [Buffer.concat(requests)];
      break;
    }
    case 'preview': {
      const handle = ctx.previewHandle ?? `${randomToken(rng, 40)}.${randomToken(rng, 43)}`;
      const variant = rng.pick(['real', 'flipped', 'truncated', 'appended', 'junk', 'two-params', 'range', 'cross-site', 'post'] as const);
      draft.notes.push(variant);
      let value = handle;
      if (variant === 'flipped') {
        const at = rng.int(handle.length);
        value = `${handle.slice(0, at)}${handle[at] === 'A' ? 'B' : 'A'}${handle.slice(at + 1)}`;
      } else if (variant === 'truncated') value = handle.slice(0, rng.int(handle.length));
      else if (variant === 'appended') value = `${handle}${rng.pick(['.', '.x', '=', '%00', 'A'])}`;
      else if (variant === 'junk') value = randomToken(rng, rng.between(0, 300));
      const target = variant === 'two-params' ? `${ROUTE}?preview=${value}&preview=x` : `${ROUTE}?preview=${value}`;
      const headers = [`Host: ${ctx.host}`];
      if (variant === 'range') headers.push(`Range: ${rng.pick(['bytes=0-1', 'bytes=-1', 'bytes=100000-', 'bytes=a-b', 'bytes=0-0,5-6', 'items=0-1'])}`);
      if (variant === 'cross-site') headers.push('Sec-Fetch-Site: cross-site');
      headers.push('Connection: close');
      const method = variant === 'post' ? 'POST' : 'GET';
      const preview: Draft = { method, target, version: 'HTTP/1.1', headers, body: Buffer.alloc(0), framing: method === 'POST' ? 'length' : 'none', notes: draft.notes };
      const { head } = render(preview, rng);
      made.writes = [head];
      break;
    }
    case 'message':
      Object.assign(made, messageCase(rng, ctx, conversationId, draft.notes));
      break;
  }
  return { id, kind, conversationId, note: draft.notes.join('; '), ...made };
}

/**
 * A send (`POST {route}/messages`, JSON): valid, or broken in its key, type, JSON, size, fields,
 * attachment handles or pace. A valid one must get 200; the others an answer, never a 5xx.
 */
function messageCase(rng: Rng, ctx: FuzzContext, conversationId: string, notes: string[]): Partial<FuzzCase> {
  const attachment = ctx.attachment;
  const withFile = attachment !== undefined && rng.chance(0.5);
  const body: Record<string, unknown> = { conversationId: withFile ? attachment.conversationId : conversationId, message: rng.pick(['hi', 'Here are the files', '日本語 😀', ' x ']) };
  if (withFile) body.attachments = [attachment.handle];
  const variant = rng.pick([
    'valid',
    'valid',
    'no-key',
    'bad-key',
    'not-json',
    'text-plain',
    'bad-json',
    'deep-json',
    'huge-declared',
    'huge-chunked',
    'extra-field',
    'wrong-types',
    'handle-flipped',
    'handle-junk',
    'bare-url',
    'many-attachments',
    'short-body',
    'drip',
  ] as const);
  notes.push(`message ${variant}${withFile ? ' with a file' : ''}`);
  // The case's own id in the key: sent again while fast-check shrinks, it is another message, not one already sent.
  const headers = [`Host: ${ctx.host}`, 'Content-Type: application/json', 'X-Requested-With: ghl-attachments', `Idempotency-Key: fz-key-${conversationId}-${randomToken(rng, 16)}`, 'Connection: close'];
  let text = JSON.stringify(body);
  let framing: Draft['framing'] = 'length';
  const made: Partial<FuzzCase> = { then: 'wait', expect: 'answer' };
  switch (variant) {
    case 'valid':
      made.expectStatus = 200;
      break;
    case 'no-key':
      headers.splice(3, 1);
      break;
    case 'bad-key':
      headers[3] = `Idempotency-Key: ${rng.pick(['', 'short', 'x'.repeat(300), 'with space inside', 'éééééééé'])}`;
      break;
    case 'not-json':
      text = randomToken(rng, rng.between(0, 200));
      break;
    case 'text-plain':
      headers[1] = 'Content-Type: text/plain';
      break;
    case 'bad-json':
      text = text.slice(0, rng.int(text.length));
      break;
    case 'deep-json':
      text = `${'['.repeat(5000)}${']'.repeat(5000)}`;
      break;
    case 'huge-declared':
      text = JSON.stringify({ ...body, message: 'x'.repeat(rng.between(65_536, 200_000)) });
      break;
    case 'huge-chunked':
      text = JSON.stringify({ ...body, message: 'x'.repeat(rng.between(65_536, 200_000)) });
      framing = 'chunked';
      break;
    case 'extra-field':
      text = JSON.stringify({ ...body, [rng.pick(['contactId', 'locationId', '__proto__', 'attachmentUrls', 'type'])]: rng.pick(['x', 1, null, [], {}]) });
      break;
    case 'wrong-types':
      text = JSON.stringify({ ...body, [rng.pick(['conversationId', 'message', 'subject', 'html', 'attachments'])]: rng.pick([1, null, true, {}, [1], ['x'.repeat(5000)]]) });
      break;
    case 'handle-flipped': {
      const handle = attachment?.handle ?? `${randomToken(rng, 40)}.${randomToken(rng, 43)}`;
      const at = rng.int(handle.length);
      text = JSON.stringify({ ...body, attachments: [`${handle.slice(0, at)}${handle[at] === 'A' ? 'B' : 'A'}${handle.slice(at + 1)}`] });
      break;
    }
    case 'handle-junk':
      text = JSON.stringify({ ...body, attachments: [randomToken(rng, rng.between(0, 300))] });
      break;
    case 'bare-url':
      text = JSON.stringify({ ...body, attachments: [`http://${ctx.host}/conversations-assets/x.png`] });
      break;
    case 'many-attachments':
      text = JSON.stringify({ ...body, attachments: Array.from({ length: rng.between(6, 1000) }, () => attachment?.handle ?? 'x') });
      break;
    case 'short-body':
      break;
    case 'drip':
      break;
  }
  const draft: Draft = { method: 'POST', target: `${ROUTE}/messages`, version: 'HTTP/1.1', headers, body: Buffer.from(text, 'utf8'), framing, notes };
  const { head, body: bytes } = render(draft, rng);
  if (variant === 'short-body') {
    // Declares more than it sends: the read deadline answers 408.
    made.writes = [head, bytes.subarray(0, rng.int(bytes.length))];
    made.slow = true;
  } else if (variant === 'drip') {
    const full = Buffer.concat([head, bytes]);
    let budget = 1500;
    made.writes = splitWrites(rng, full, rng.between(3, 8), () => {
      const pause = Math.min(budget, rng.between(100, 400));
      budget -= pause;
      return pause;
    });
    made.slow = true;
  } else made.writes = [Buffer.concat([head, bytes])];
  return made;
}

/**
 * What a case is made of: its kind, what fast-check drew for that kind (a method, a target, a
 * `Host` value, a valid upload's framing, a broken form's truncation and framing, a slow client's
 * pacing, how a client leaves), and the tape the rest of its choices are read off (see {@link Rng}).
 */
export interface CaseRecipe {
  kind: FuzzKind;
  tape: readonly number[];
  method?: string;
  target?: WithHost<string>;
  host?: WithHost<string | undefined>;
  valid?: typeof validVariantArbitrary extends fc.Arbitrary<infer T> ? T : never;
  body?: typeof bodyFramingArbitrary extends fc.Arbitrary<infer T> ? T : never;
  slow?: typeof slowArbitrary extends fc.Arbitrary<infer T> ? T : never;
  leave?: typeof leaveArbitrary extends fc.Arbitrary<infer T> ? T : never;
}

/** What each kind draws besides its tape. */
const KIND_ARBITRARIES: Partial<Record<FuzzKind, Record<string, fc.Arbitrary<unknown>>>> = {
  valid: { valid: validVariantArbitrary },
  method: { method: methodArbitrary },
  target: { target: targetArbitrary },
  host: { host: hostValueArbitrary },
  body: { body: bodyFramingArbitrary },
  slow: { slow: slowArbitrary },
  leave: { leave: leaveArbitrary },
};

/** A case: a kind, as often as {@link KINDS} weighs it, and what that kind needs. */
export const caseArbitrary: fc.Arbitrary<CaseRecipe> = fc.oneof(
  ...KINDS.map(([weight, kind]) => ({
    weight: Math.round(weight * 10),
    arbitrary: fc.record({ kind: fc.constant(kind), tape: new TapeArbitrary(), ...KIND_ARBITRARIES[kind] }) as unknown as fc.Arbitrary<CaseRecipe>,
  })),
);

type Batch = readonly CaseRecipe[];

/**
 * A batch of `size` cases; shrinks to either half, then to one case less (from 16 cases down),
 * then case by case. `describe` tells fast-check how to print one (what it sent).
 */
class BatchArbitrary extends fc.Arbitrary<Batch> {
  constructor(
    private readonly size: number,
    private readonly describe: (batch: Batch) => string,
  ) {
    super();
  }

  /** A batch as fast-check holds it: a list of its own, that prints as `describe` says, and its cases' contexts. */
  private value(items: readonly fc.Value<CaseRecipe>[]): fc.Value<Batch> {
    const own: Batch = items.map((item) => item.value_);
    const describe = this.describe;
    Object.defineProperty(own, fc.toStringMethod, { value: () => describe(own) });
    return new fc.Value(own, items);
  }

  generate(mrng: fc.Random): fc.Value<Batch> {
    return this.value(Array.from({ length: this.size }, () => caseArbitrary.generate(mrng, undefined)));
  }

  canShrinkWithoutContext(_value: unknown): _value is Batch {
    return false;
  }

  shrink(_batch: Batch, context: unknown): fc.Stream<fc.Value<Batch>> {
    const items = context as readonly fc.Value<CaseRecipe>[] | undefined;
    if (!items) return fc.Stream.nil();
    const value = (next: readonly fc.Value<CaseRecipe>[]) => this.value(next);
    return fc.stream(
      (function* () {
        if (items.length > 1) {
          const half = Math.ceil(items.length / 2);
          yield value(items.slice(0, half));
          yield value(items.slice(half));
          if (items.length <= 16) for (let at = 0; at < items.length; at += 1) yield value(items.toSpliced(at, 1));
        }
        for (let at = 0; at < items.length; at += 1) {
          for (const smaller of caseArbitrary.shrink(items[at]!.value_, items[at]!.context)) yield value(items.with(at, smaller));
        }
      })(),
    );
  }
}

/**
 * `size` cases, for `fc.asyncProperty`: one property run sends them as one batch. `describe`
 * prints a batch in fast-check's report (the requests it became). Default: its size.
 */
export const fuzzBatch = (size: number, describe: (batch: Batch) => string = (batch) => `${batch.length} case(s)`): fc.Arbitrary<Batch> =>
  new BatchArbitrary(size, describe);

/** The cases of one batch: case `firstId + i` is made from `recipes[i]`. */
export function generateCases(recipes: readonly CaseRecipe[], firstId: number, ctx: FuzzContext): FuzzCase[] {
  return recipes.map((recipe, i) => generateCase(recipe, firstId + i, ctx));
}

// ---------------------------------------------------------------------------------------------
// Sending

export interface HttpAnswer {
  status: number;
  headers: Map<string, string>;
  body: Buffer;
  /** The whole answer arrived (framing satisfied). */
  complete: boolean;
}

export interface CaseResult {
  case: FuzzCase;
  /** `answer`: at least one status line; `closed`: the server closed without one; `left`: the client left first; `timeout`: nothing, until the deadline. */
  outcome: 'answer' | 'closed' | 'left' | 'timeout';
  /** Final (non-1xx) answers, in order. */
  answers: HttpAnswer[];
  raw: Buffer;
  /**
   * Every byte was handed to the kernel before the connection closed. (When the server closes
   * while bytes are still going out, the write fails, and Node drops what the server had
   * answered: the client cannot read it.)
   */
  sentAll: boolean;
  error?: string;
  ms: number;
}

export interface SendOptions {
  /** Wait this long after the last write for an answer the server owes (`answer`, `end`). */
  deadlineMs: number;
  /** ...and this long when none is owed (`any`). */
  graceMs: number;
  /** After a complete answer on a kept-alive connection, this long without more ends the case. */
  quietMs: number;
}

/**
 * The answers in `data`, parsed as HTTP/1.1 responses (1xx interim answers skipped). `ended`:
 * the server closed, so an answer without framing ends here.
 */
export function parseAnswers(data: Buffer, ended: boolean): HttpAnswer[] {
  const answers: HttpAnswer[] = [];
  let at = 0;
  while (at < data.length) {
    const headEnd = data.indexOf('\r\n\r\n', at);
    if (headEnd < 0) {
      const line = /^HTTP\/\d\.\d (\d{3})/.exec(data.toString('latin1', at, Math.min(data.length, at + 20)));
      if (line) answers.push({ status: Number(line[1]), headers: new Map(), body: Buffer.alloc(0), complete: false });
      break;
    }
    const lines = data.toString('latin1', at, headEnd).split('\r\n');
    const statusLine = /^HTTP\/\d\.\d (\d{3})/.exec(lines[0] ?? '');
    if (!statusLine) {
      answers.push({ status: Number.NaN, headers: new Map(), body: data.subarray(at), complete: false });
      break;
    }
    const status = Number(statusLine[1]);
    const headers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    let bodyStart = headEnd + 4;
    if (status >= 100 && status < 200) {
      at = bodyStart;
      continue;
    }
    if (status === 204 || status === 304) {
      answers.push({ status, headers, body: Buffer.alloc(0), complete: true });
      at = bodyStart;
      continue;
    }
    if (/chunked/i.test(headers.get('transfer-encoding') ?? '')) {
      const chunks: Buffer[] = [];
      let complete = false;
      for (;;) {
        const lineEnd = data.indexOf('\r\n', bodyStart);
        if (lineEnd < 0) break;
        const size = Number.parseInt(data.toString('latin1', bodyStart, lineEnd), 16);
        if (Number.isNaN(size)) break;
        if (size === 0) {
          const trailerEnd = data.indexOf('\r\n\r\n', lineEnd);
          if (trailerEnd >= 0) {
            complete = true;
            bodyStart = trailerEnd + 4;
          }
          break;
        }
        if (lineEnd + 2 + size + 2 > data.length) break;
        chunks.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
        bodyStart = lineEnd + 2 + size + 2;
      }
      answers.push({ status, headers, body: Buffer.concat(chunks), complete });
      if (!complete) break;
      at = bodyStart;
    } else if (headers.has('content-length')) {
      const length = Number(headers.get('content-length'));
      const complete = bodyStart + length <= data.length;
      answers.push({ status, headers, body: data.subarray(bodyStart, bodyStart + length), complete });
      if (!complete) break;
      at = bodyStart + length;
    } else {
      // No framing: the answer runs to the end of the connection (Node's own 400 has no body).
      answers.push({ status, headers, body: data.subarray(bodyStart), complete: ended || headers.get('connection')?.toLowerCase() === 'close' });
      break;
    }
  }
  return answers;
}

/** Sends one case over a fresh TCP connection to `port` on loopback. */
export function sendCase(port: number, fuzzCase: FuzzCase, options: SendOptions): Promise<CaseResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const received: Buffer[] = [];
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    let serverEnded = false;
    let closed = false;
    let left = false;
    let sentAll = false;
    let writesDone = false;
    let writing = false;
    let writeFailed = false;
    let error: string | undefined;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    let quiet: ReturnType<typeof setTimeout> | undefined;
    let settled = false;

    const finish = (timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(quiet);
      socket.destroy();
      const raw = Buffer.concat(received);
      const answers = parseAnswers(raw, serverEnded || closed);
      const outcome = answers.length > 0 ? 'answer' : left ? 'left' : timedOut ? 'timeout' : 'closed';
      resolve({ case: fuzzCase, outcome, answers, raw, sentAll: sentAll && !writeFailed, ...(error ? { error } : {}), ms: Date.now() - started });
    };

    /** After the writes, whether what came so far is all that will come. */
    const check = () => {
      if (!writesDone || settled) return;
      const answers = parseAnswers(Buffer.concat(received), false);
      const last = answers[answers.length - 1];
      clearTimeout(quiet);
      if (!last?.complete) return;
      if (last.headers.get('connection')?.toLowerCase() === 'close') {
        finish(false);
        return;
      }
      quiet = setTimeout(() => finish(false), options.quietMs);
    };

    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      check();
    });
    socket.on('end', () => {
      serverEnded = true;
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      error = err.code ?? err.message;
    });
    socket.on('close', () => {
      closed = true;
      // While writing, the write loop sees the close and finishes the case itself.
      if (!writing) finish(false);
    });
    socket.once('connect', () => {
      writing = true;
      void (async () => {
        for (const write of fuzzCase.writes) {
          if (closed || socket.destroyed) break;
          if (typeof write === 'number') await new Promise((wait) => setTimeout(wait, write));
          else
            socket.write(write, (err) => {
              if (err) writeFailed = true;
            });
        }
        sentAll = !closed && !socket.destroyed;
        writesDone = true;
        writing = false;
        if (closed) {
          finish(false);
          return;
        }
        if (fuzzCase.then === 'destroy') {
          left = true;
          finish(false);
          return;
        }
        if (fuzzCase.then === 'half-close') socket.end();
        deadline = setTimeout(() => finish(true), fuzzCase.expect === 'any' ? options.graceMs : options.deadlineMs);
        check();
      })();
    });
  });
}

/**
 * Runs `cases` over at most `concurrency` sockets at once, and the slow ones (which mostly wait:
 * for the client window, or between their own writes) over up to `slowConcurrency` more, so that
 * they do not starve the rest.
 */
export async function sendAll(
  port: number,
  cases: readonly FuzzCase[],
  lanes: { concurrency: number; slowConcurrency: number },
  options: SendOptions,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  const run = async (queue: FuzzCase[], width: number) => {
    await Promise.all(
      Array.from({ length: Math.min(width, queue.length) }, async () => {
        for (let fuzzCase = queue.shift(); fuzzCase; fuzzCase = queue.shift()) results.push(await sendCase(port, fuzzCase, options));
      }),
    );
  };
  await Promise.all([
    run(cases.filter((fuzzCase) => fuzzCase.slow), lanes.slowConcurrency),
    run(cases.filter((fuzzCase) => !fuzzCase.slow), lanes.concurrency),
  ]);
  return results.sort((a, b) => a.case.id - b.case.id);
}

// ---------------------------------------------------------------------------------------------
// Reports

/**
 * Bytes as a JSON string of their latin1 reading (each character one byte), long runs of one
 * character shortened (`-{×70}`), cut at `max` characters.
 */
export function printable(bytes: Buffer, max = 1500): string {
  const text = JSON.stringify(bytes.toString('latin1'))
    // C1 controls and DEL too, so that the string survives a terminal and a copy.
    .replace(/[\u007f-\u009f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/(.)\1{31,}/g, (run, char: string) => `${char}{×${run.length}}`);
  return text.length > max ? `${text.slice(0, max)}…(${text.length - max} more characters)` : text;
}

/** How to send a case again: each write as a JSON string, pauses in ms, then what the client did. */
export function describeCase(fuzzCase: FuzzCase, max = 1500): string {
  const writes = fuzzCase.writes.map((write) => (typeof write === 'number' ? `pause ${write} ms` : printable(write, max)));
  return `#${fuzzCase.id} ${fuzzCase.kind} (${fuzzCase.note})\n  writes (latin1): ${writes.join('\n    ')}\n  then: ${fuzzCase.then}`;
}
