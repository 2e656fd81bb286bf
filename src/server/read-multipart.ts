import type { Readable } from 'node:stream';
import busboy from 'busboy';
import { parseContentType } from './content-type.js';

/** A text field of the incoming form. */
export interface FieldPart {
  kind: 'field';
  name: string;
  value: string;
  /** The value was longer than the field size limit and was cut. */
  truncated: boolean;
}

/** A file of the incoming form; its bytes must be read (or `resume()`d) before the next part. */
export interface FilePart {
  kind: 'file';
  name: string;
  fileName: string;
  mimeType: string;
  stream: Readable;
  /**
   * The most bytes this file can have, proven from the request's Content-Length and where the
   * file's data starts: the rest of the body, less the shortest closing boundary. `Infinity`
   * without a Content-Length.
   */
  maxPossibleSize: number;
}

export type Part = FieldPart | FilePart;

export interface MultipartLimits {
  /** Most file parts read; one more fails the stream. */
  maxFiles: number;
  /** Most text fields read. */
  maxFields: number;
  /** Longest field value, in bytes. */
  maxFieldSize: number;
  /** The window the client's sending rate is judged over, in ms. */
  rateWindowMs: number;
  /** The slowest rate tolerated over a whole window, in bytes per second. */
  minBytesPerSecond: number;
  /**
   * Until the caller has proven it may upload (`proven` settles: `authorize` said yes), the body
   * must not take longer than `deadlineMs`, and its first part must be in within `maxBytes`;
   * `evicted` aborting fails the read with {@link EvictedError}. A preamble, or a field that
   * never ends, is otherwise a way to hold a place for free.
   */
  proof?: { deadlineMs: number; maxBytes: number; proven: Promise<unknown>; evicted?: AbortSignal };
}

/**
 * Most bytes between one part and the next (a part's headers, a field's value, boundaries, the
 * epilogue after the last one): the parser skips a preamble and an epilogue whatever their size,
 * so without this a body could go on after its last file for as long as it keeps the pace.
 */
export const MAX_BYTES_BETWEEN_PARTS = 16 * 1024;

/** The request lost its place to a newer one while it had not shown who it is. */
export class EvictedError extends Error {
  constructor() {
    super('the request was evicted before it showed who it is');
  }
}

/** The client sent too little for too long (nothing at all, or a slow drip). */
export class IdleTimeoutError extends Error {
  constructor() {
    // Stryker disable next-line StringLiteral: never shown: the error becomes request-timeout
    super('the client stopped sending, or sent too slowly');
  }
}

/** The body is not well-formed multipart (busboy's words are in `message`). */
export class MalformedMultipartError extends Error {}

/** A limit of {@link MultipartLimits} was passed; `limit` says which. */
export class MultipartLimitError extends Error {
  constructor(readonly limit: 'files' | 'fields' | 'proof' | 'between-parts') {
    // Stryker disable next-line StringLiteral: never shown: the error becomes too-many-files or bad-request
    super(`multipart ${limit} limit reached`);
  }
}

/**
 * The parts of a multipart body, in the order they arrive, as an async iterator. Pull-based:
 * busboy does not read past a file part until that part's stream is consumed, so at most a few
 * chunks of a file are ever held. Stopping early drains the rest of the body instead of
 * destroying it, so that the caller can still answer on the same connection.
 */
export async function* readMultipart(
  body: Readable,
  contentType: string,
  limits: MultipartLimits,
  contentLength = Number.POSITIVE_INFINITY,
  onFail: (error: Error) => void = () => undefined,
): AsyncGenerator<Part, void, undefined> {
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: { 'content-type': contentType },
      // Browsers send names as raw UTF-8, not latin1 as busboy assumes by default.
      defParamCharset: 'utf8',
      // busboy strips `../` from names by default; we want to see them, and refuse the request.
      preservePath: true,
      limits: { files: limits.maxFiles, fields: limits.maxFields, fieldSize: limits.maxFieldSize },
    });
  } catch (error) {
    // `boundary=` with nothing after it, a boundary busboy cannot find: the request's fault.
    body.resume();
    throw new MalformedMultipartError(error instanceof Error ? error.message : String(error));
  }
  const queue: Part[] = [];
  let failure: Error | undefined;
  let closed = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  let current: { part: FilePart; pushed: number; ended: boolean } | undefined;
  const fail = (error: Error) => {
    // Stryker disable next-line ConditionalExpression: a second failure repeats the first's effects, already done
    if (failure) return;
    failure = error;
    // Whoever is reading the current file must hear of it too, not wait forever.
    if (current && !current.ended) current.part.stream.destroy(error);
    onFail(error);
    notify();
  };
  // The client must send at least minBytesPerSecond over each window, so that a slow drip holds
  // nothing for long; a window starts afresh whenever we stop reading (backpressure from
  // HighLevel or from our own checks is not the client's fault).
  let idle: ReturnType<typeof setTimeout> | undefined;
  let windowBytes = 0;
  const startWindow = () => {
    clearTimeout(idle);
    windowBytes = 0;
    idle = setTimeout(() => {
      if (windowBytes < (limits.minBytesPerSecond * limits.rateWindowMs) / 1000) fail(new IdleTimeoutError());
      else startWindow();
    }, limits.rateWindowMs);
  };
  startWindow();
  // Bytes fed that went into no file, as of the last part's start or end (a chunk is counted
  // whole when it is fed, so this errs by at most one chunk), and whether the caller is proven.
  let baseline = 0;
  let pushedToFiles = 0;
  let sawPart = false;
  let proven = !limits.proof;
  const proofTimer = limits.proof && setTimeout(() => fail(new IdleTimeoutError()), limits.proof.deadlineMs);
  const onEvicted = () => fail(new EvictedError());
  if (limits.proof) {
    void limits.proof.proven.then(() => {
      proven = true;
      clearTimeout(proofTimer);
      limits.proof?.evicted?.removeEventListener('abort', onEvicted);
    }, () => undefined);
    if (limits.proof.evicted?.aborted) queueMicrotask(onEvicted);
    else limits.proof.evicted?.addEventListener('abort', onEvicted, { once: true });
  }
  const partSeen = () => {
    sawPart = true;
    baseline = fed - pushedToFiles;
  };

  parser.on('field', (name, value, info) => {
    partSeen();
    queue.push({ kind: 'field', name, value, truncated: info.valueTruncated });
    notify();
  });
  let fed = 0;
  let started: { part: FilePart; pushed: number; ended: boolean } | undefined;
  parser.on('file', (name, stream, info) => {
    // A part nobody reads (refused before its bytes, or still queued when the request ends) is
    // destroyed with an error; with no listener at all, that error would stop the process. A
    // reader still hears of it through its own iteration.
    stream.on('error', () => undefined);
    partSeen();
    const part: FilePart = {
      kind: 'file',
      name,
      fileName: info.filename ?? '',
      mimeType: info.mimeType,
      stream,
      maxPossibleSize: Number.POSITIVE_INFINITY,
    };
    const tracked = { part, pushed: 0, ended: false };
    started = tracked;
    current = tracked;
    // busboy pushes a chunk's file data (and the end) synchronously inside write(); counting
    // what it pushes tells exactly where the data started, or how long a file that ended is.
    const push = stream.push.bind(stream);
    stream.push = (chunk: Buffer | null, encoding?: BufferEncoding) => {
      if (chunk === null) {
        tracked.ended = true;
        baseline = fed - pushedToFiles;
      } else {
        tracked.pushed += chunk.length;
        pushedToFiles += chunk.length;
      }
      return push(chunk, encoding);
    };
    queue.push(part);
    notify();
  });
  parser.on('filesLimit', () => fail(new MultipartLimitError('files')));
  parser.on('fieldsLimit', () => fail(new MultipartLimitError('fields')));
  parser.on('error', (error: Error) => fail(new MalformedMultipartError(error.message)));
  parser.on('close', () => {
    closed = true;
    clearTimeout(idle);
    clearTimeout(proofTimer);
    notify();
  });
  // The body is fed by hand, counting bytes, so that the offset where each file's data starts
  // is known exactly: busboy pushes all of a chunk's file data synchronously, holding back only
  // a tail that could be the start of the next boundary.
  const needle = Buffer.from(`\r\n--${boundaryOf(contentType)}`);
  const onData = (chunk: Buffer) => {
    windowBytes += chunk.length;
    fed += chunk.length;
    started = undefined;
    const more = parser.write(chunk);
    // While a file is open its bytes may wait inside the parser (backpressure): only between
    // parts is every byte fed one that goes into no file.
    const fileOpen = current !== undefined && !current.ended;
    if (!proven && !sawPart && fed > limits.proof!.maxBytes) fail(new MultipartLimitError('proof'));
    else if (!fileOpen && fed - pushedToFiles - baseline > MAX_BYTES_BETWEEN_PARTS) fail(new MultipartLimitError('between-parts'));
    // Set by the 'file' handler during the write above (TypeScript cannot see that).
    const file = started as { part: FilePart; pushed: number; ended: boolean } | undefined;
    if (file?.ended) file.part.maxPossibleSize = file.pushed;
    else if (file) {
      const dataStart = fed - heldBack(chunk, needle) - file.pushed;
      // The end of a body after its last file: CRLF, "--", the boundary, "--" and CRLF, as every
      // browser and HTTP client writes it. (A client that leaves out the final CRLF only loses
      // the early refusal: the bytes are still counted as they pass.)
      file.part.maxPossibleSize = contentLength - dataStart - (needle.length + 4);
    }
    // Stryker disable next-line ConditionalExpression: backpressure bounds memory, not answers (machine suites)
    if (!more) {
      body.pause();
      clearTimeout(idle);
      parser.once('drain', () => {
        // Stryker disable next-line ConditionalExpression,LogicalOperator: memory, not answers (machine suites)
        if (closed || failure) return;
        startWindow();
        body.resume();
      });
    }
  };
  body.on('data', onData);
  body.on('end', () => parser.end());
  // Stryker disable next-line StringLiteral: a client gone is found by the rate window too, with the same answer
  body.on('error', fail);
  // Node's request emits 'aborted' (and, later, 'error') when the client goes away.
  // Stryker disable next-line StringLiteral,ArrowFunction: the rate window finds a client gone, with the same answer
  body.on('aborted', () => fail(new Error('client aborted')));

  try {
    for (;;) {
      if (failure) throw failure;
      const next = queue.shift();
      if (next) {
        yield next;
        continue;
      }
      if (closed) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    clearTimeout(idle);
    clearTimeout(proofTimer);
    limits.proof?.evicted?.removeEventListener('abort', onEvicted);
    // Stryker disable next-line ConditionalExpression: draining a body whose parser is done: nobody reads those bytes
    if (!closed) {
      body.off('data', onData);
      // Stryker disable next-line ConditionalExpression,StringLiteral: nobody reads those bytes either way
      for (const part of queue) if (part.kind === 'file') part.stream.resume();
      body.resume();
    }
  }
}

function boundaryOf(contentType: string): string {
  // The parameter named `boundary`, as busboy reads it: not one whose name ends with it
  // (`xboundary=…`), which would make every size bound wrong by the difference in length.
  return parseContentType(contentType)?.parameters.boundary ?? '';
}

/** How many bytes at the end of `chunk` could be the start of `needle` (what busboy holds back). */
export function heldBack(chunk: Buffer, needle: Buffer): number {
  // Stryker disable next-line MethodExpression,ArithmeticOperator,EqualityOperator: a whole needle is the boundary
  for (let length = Math.min(needle.length - 1, chunk.length); length > 0; length -= 1) {
    if (chunk.subarray(chunk.length - length).equals(needle.subarray(0, length))) return length;
  }
  return 0;
}

/**
 * A file part's bytes. busboy ends a cut-off file with an error of its own; it is reported as
 * {@link MalformedMultipartError}, like every other flaw of the body.
 */
export async function* fileChunks(part: FilePart): AsyncGenerator<Buffer, void, undefined> {
  try {
    // Stryker disable BlockStatement: a cut-off file also fails the reader, which refuses the request the same way
    for await (const chunk of part.stream) yield chunk as Buffer;
  } catch (error) {
    // Stryker restore BlockStatement
    if (error instanceof IdleTimeoutError || error instanceof MalformedMultipartError) throw error;
    throw new MalformedMultipartError(error instanceof Error ? error.message : String(error));
  }
}
