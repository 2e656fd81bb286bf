/**
 * The one multipart builder of the tests and benchmarks: a `FormData` for tests that post as a
 * browser would, and the bytes themselves for those that post as an attacker or a plain HTTP
 * client would (any boundary, any part headers, no closing line, bare LF line breaks, bytes before
 * and after). The BFF's own upstream form (src/server/highlevel-form.ts) is product code and
 * stays its own: a test must not frame requests with the code it checks.
 */
import { randomUUID } from 'node:crypto';

export interface FilePartSpec {
  /** The form field. Default: `file`. */
  field?: string;
  name: string;
  bytes: Uint8Array | string;
  /** The part's Content-Type. Default: none in `formOf`, `application/octet-stream` in `filePart`. */
  type?: string;
}

/** A multipart form with fields and files in exactly the given order. */
export function formOf(entries: ([string, string] | FilePartSpec)[]): FormData {
  const form = new FormData();
  for (const entry of entries) {
    if (Array.isArray(entry)) form.append(entry[0], entry[1]);
    else {
      const bytes = typeof entry.bytes === 'string' ? new TextEncoder().encode(entry.bytes) : entry.bytes;
      form.append(entry.field ?? 'file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: entry.type ?? '' }), entry.name);
    }
  }
  return form;
}

/** One part as it goes on the wire: its header lines, written as given, and its body. */
export interface RawPart {
  /** One line, several lines joined by line breaks, or a list of lines. */
  headers: string | string[];
  body: Uint8Array | string;
}

/** A field part: `Content-Disposition: form-data; name="…"` and the value. */
export const fieldPart = (name: string, value: Uint8Array | string): RawPart => ({ headers: [`Content-Disposition: form-data; name="${name}"`], body: value });

/** A file part with a quoted file name and its type. */
export const filePart = ({ field = 'file', name, bytes, type = 'application/octet-stream' }: FilePartSpec): RawPart => ({
  headers: [`Content-Disposition: form-data; name="${field}"; filename="${name}"`, `Content-Type: ${type}`],
  body: bytes,
});

export interface MultipartOptions {
  /** Default: a fresh `----ghl…` boundary. */
  boundary?: string;
  /** The closing `--boundary--` line. Default: true. */
  close?: boolean;
  /** Between header lines and around each part. Default: CRLF. */
  lineBreak?: string;
  /** Bytes before the first boundary and after the last line. Default: none. */
  preamble?: Uint8Array | string;
  epilogue?: Uint8Array | string;
  /** How header lines and string bodies become bytes: `latin1` writes each char as one byte. Default: utf8. */
  encoding?: 'utf8' | 'latin1';
}

export interface Multipart {
  body: Buffer;
  boundary: string;
  /** `multipart/form-data; boundary=…`, the boundary quoted when it has to be. */
  contentType: string;
}

/** A multipart body by hand, so that it can be wrong in every way. */
export function multipart(parts: RawPart[], options: MultipartOptions = {}): Multipart {
  const { boundary = `----ghl${randomUUID()}`, close = true, lineBreak: eol = '\r\n', encoding = 'utf8' } = options;
  const bytes = (value: Uint8Array | string) => (typeof value === 'string' ? Buffer.from(value, encoding) : value);
  const pieces: Uint8Array[] = [];
  if (options.preamble !== undefined) pieces.push(bytes(options.preamble));
  for (const part of parts) {
    const head = typeof part.headers === 'string' ? `${part.headers}${eol}` : part.headers.map((line) => `${line}${eol}`).join('');
    pieces.push(bytes(`--${boundary}${eol}${head}${eol}`), bytes(part.body), bytes(eol));
  }
  if (close) pieces.push(bytes(`--${boundary}--${eol}`));
  if (options.epilogue !== undefined) pieces.push(bytes(options.epilogue));
  const named = /[^A-Za-z0-9_-]/.test(boundary) ? `"${boundary}"` : boundary;
  return { body: Buffer.concat(pieces), boundary, contentType: `multipart/form-data; boundary=${named}` };
}

/** {@link multipart}'s bytes for a boundary the caller names (and sends in its own Content-Type). */
export const multipartBody = (boundary: string, parts: RawPart[], close = true): Buffer => multipart(parts, { boundary, close }).body;
