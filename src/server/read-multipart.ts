import type { Readable } from 'node:stream';
import busboy from 'busboy';

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
}

export type Part = FieldPart | FilePart;

export interface MultipartLimits {
  /** Most file parts read; one more fails the stream. */
  maxFiles: number;
  /** Most text fields read. */
  maxFields: number;
  /** Longest field value, in bytes. */
  maxFieldSize: number;
}

/** A limit of {@link MultipartLimits} was passed; `limit` says which. */
export class MultipartLimitError extends Error {
  constructor(readonly limit: 'files' | 'fields') {
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
): AsyncGenerator<Part, void, undefined> {
  const parser = busboy({
    headers: { 'content-type': contentType },
    // Browsers send names as raw UTF-8, not latin1 as busboy assumes by default.
    defParamCharset: 'utf8',
    // busboy strips `../` from names by default; we want to see them, and refuse the request.
    preservePath: true,
    limits: { files: limits.maxFiles, fields: limits.maxFields, fieldSize: limits.maxFieldSize },
  });
  const queue: Part[] = [];
  let failure: Error | undefined;
  let closed = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const fail = (error: Error) => {
    failure ??= error;
    notify();
  };

  parser.on('field', (name, value, info) => {
    queue.push({ kind: 'field', name, value, truncated: info.valueTruncated });
    notify();
  });
  parser.on('file', (name, stream, info) => {
    queue.push({ kind: 'file', name, fileName: info.filename ?? '', mimeType: info.mimeType, stream });
    notify();
  });
  parser.on('filesLimit', () => fail(new MultipartLimitError('files')));
  parser.on('fieldsLimit', () => fail(new MultipartLimitError('fields')));
  parser.on('error', (error: Error) => fail(error));
  parser.on('close', () => {
    closed = true;
    notify();
  });
  body.on('error', fail);
  body.pipe(parser);

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
    if (!closed) {
      body.unpipe(parser);
      for (const part of queue) if (part.kind === 'file') part.stream.resume();
      body.resume();
    }
  }
}
