/** A request before it is bytes, and how it becomes them. */
import type { Rng } from './tape.js';

export const ROUTE = '/api/attachments';
export const CRLF = '\r\n';

/** A request before it is turned into bytes. */
export interface Draft {
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

export const bin = (text: string) => Buffer.from(text, 'latin1');
export const utf8AsBinary = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

export function headerIndex(draft: Draft, name: string): number {
  const lower = `${name.toLowerCase()}:`;
  return draft.headers.findIndex((line) => line.toLowerCase().startsWith(lower));
}

export function setHeader(draft: Draft, name: string, value: string | undefined): void {
  const at = headerIndex(draft, name);
  if (value === undefined) {
    if (at >= 0) draft.headers.splice(at, 1);
  } else if (at >= 0) draft.headers[at] = `${name}: ${value}`;
  else draft.headers.push(`${name}: ${value}`);
}

export function renderHead(draft: Draft): Buffer {
  const line = `${draft.method} ${draft.target}${draft.version ? ` ${draft.version}` : ''}`;
  return bin(`${[line, ...draft.headers].join(CRLF)}${CRLF}${CRLF}`);
}

/** How a body is cut into chunks: the chunks' sizes and spellings in turn, from the first again past the last. */
export interface Chunking {
  chunks: readonly { size: number; spelling: 'plain' | 'upper' | 'zeros' | 'extension' }[];
  /** A trailer field after the last chunk. */
  trailer: boolean;
}

/** The draft as bytes: head (with Content-Length or Transfer-Encoding as framed) and body. */
export function render(draft: Draft, chunking: Chunking): { head: Buffer; body: Buffer } {
  if (draft.framing === 'length' && headerIndex(draft, 'content-length') < 0) {
    draft.headers.push(`Content-Length: ${draft.body.length}`);
  }
  if (draft.framing === 'chunked') {
    if (headerIndex(draft, 'transfer-encoding') < 0) draft.headers.push('Transfer-Encoding: chunked');
    return { head: renderHead(draft), body: chunked(draft.body, chunking) };
  }
  return { head: renderHead(draft), body: draft.body };
}

/** Valid chunked encoding of `body`, cut as `chunking` says. */
export function chunked(body: Buffer, chunking: Chunking, options: { terminate?: boolean } = {}): Buffer {
  const pieces: Buffer[] = [];
  for (let at = 0, i = 0; at < body.length; i += 1) {
    const chunk = chunking.chunks[i % chunking.chunks.length]!;
    const size = Math.min(body.length - at, chunk.size);
    const hex = size.toString(16);
    const sizeText = chunk.spelling === 'upper' ? hex.toUpperCase() : chunk.spelling === 'zeros' ? `00${hex}` : hex;
    const extension = chunk.spelling === 'extension' ? ';name=value' : '';
    pieces.push(bin(`${sizeText}${extension}${CRLF}`), body.subarray(at, at + size), bin(CRLF));
    at += size;
  }
  if (options.terminate !== false) pieces.push(bin(chunking.trailer ? `0${CRLF}X-Trailer: yes${CRLF}${CRLF}` : `0${CRLF}${CRLF}`));
  return Buffer.concat(pieces);
}

/** Writes the bytes in pieces cut at random offsets, with short pauses so that they arrive apart. */
export function splitWrites(rng: Rng, bytes: Buffer, pieces: number, pause: () => number): (Buffer | number)[] {
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
export function headEndsWithin(bytes: Buffer, length: number): boolean {
  const end = bytes.indexOf('\r\n\r\n');
  return end >= 0 && end + 4 <= length;
}
