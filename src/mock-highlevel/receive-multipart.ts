import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';

/** A file part the mock has written to its temp folder. */
export interface ReceivedFile {
  fieldName: string;
  fileName: string;
  mimeType: string;
  path: string;
  size: number;
  /** More bytes came than the limit allows; the file on disk is cut short. */
  truncated: boolean;
}

export interface ReceivedMultipart {
  fields: Map<string, string[]>;
  files: ReceivedFile[];
  /** More file parts came than the limit allows; the extra ones were dropped. */
  tooManyFiles: boolean;
}

/**
 * Reads a multipart body to the end, writing files to `dir`, the way HighLevel's multer-based
 * endpoint does. Rejects on a body that is not well-formed multipart (after removing what it
 * wrote). The caller removes the files when it refuses the request.
 */
export function receiveMultipart(
  req: IncomingMessage,
  dir: string,
  limits: { maxFileSize: number; maxFiles: number },
): Promise<ReceivedMultipart> {
  return new Promise((resolve, reject) => {
    const result: ReceivedMultipart = { fields: new Map(), files: [], tooManyFiles: false };
    const writes: Promise<void>[] = [];
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        // busboy flags a file of exactly `fileSize` bytes as cut; one byte of slack and our own
        // count keep "exactly the limit passes" true.
        limits: { fileSize: limits.maxFileSize + 1, files: limits.maxFiles, fieldSize: 64 * 1024 },
        defParamCharset: 'utf8',
      });
    } catch (error) {
      req.resume();
      reject(error as Error);
      return;
    }
    const fail = (error: Error) => {
      req.unpipe(parser);
      req.resume();
      void Promise.allSettled(writes)
        .then(() => Promise.all(result.files.map((file) => rm(file.path, { force: true }))))
        .then(() => reject(error));
    };
    parser.on('field', (name, value) => {
      result.fields.set(name, [...(result.fields.get(name) ?? []), value]);
    });
    parser.on('file', (fieldName, stream, info) => {
      const file: ReceivedFile = {
        fieldName,
        fileName: info.filename ?? '',
        mimeType: info.mimeType,
        path: join(dir, randomUUID()),
        size: 0,
        truncated: false,
      };
      result.files.push(file);
      stream.on('data', (chunk: Buffer) => {
        file.size += chunk.length;
        if (file.size > limits.maxFileSize) file.truncated = true;
      });
      writes.push(pipeline(stream, createWriteStream(file.path)));
    });
    parser.on('filesLimit', () => (result.tooManyFiles = true));
    parser.on('error', (error: Error) => fail(error));
    parser.on('close', () => {
      Promise.all(writes).then(() => resolve(result), fail);
    });
    req.on('aborted', () => fail(new Error('client aborted')));
    req.pipe(parser);
  });
}
