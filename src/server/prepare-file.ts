import { isSafeFileName } from '../shared/check-file.js';
import { describeFileTypes, findFileType, type FileTypeSpec } from '../shared/file-types.js';
import { formatBytes } from '../shared/limits.js';
import { uploadError } from '../shared/upload-error.js';
import { FILE_FIELD } from '../shared/wire.js';
import type { Lease } from './budget.js';
import type { Limits } from './resolve-options.js';
import { fileChunks, type FilePart } from './read-multipart.js';
import { contentMatches } from './sniff-content.js';

/** Bytes read from each file before anything goes upstream: enough to tell its type by. */
export const HEAD_BYTES = 4100;

/** A file part that passed the checks that can be made before forwarding it. */
export interface PreparedFile {
  /** As the user named it. */
  name: string;
  /** Unique within the upstream request: HighLevel keys its answer by file name. */
  upstreamName: string;
  type: FileTypeSpec;
  /** The first bytes, already read. */
  head: Buffer;
  /** The rest of the bytes. */
  rest: AsyncIterator<Buffer>;
  /** Bytes of `head` taken from the read-ahead budget, given back once they are sent. */
  heldAhead: number;
}

/**
 * Checks a file part's field, name, extension and content, so that a refused file never opens a
 * connection to HighLevel. A file whose size the request's Content-Length proves within the
 * limit is read only as far as its first {@link HEAD_BYTES} and then streamed; any other (one of
 * several large files in a request, or a file of a chunked request) is read ahead up to the
 * limit, so that a file that is too large is refused before anything is sent; those bytes are
 * taken from the handler's read-ahead budget (past it: 503 `server-busy`).
 */
export async function prepareFile(
  part: FilePart,
  names: UniqueNames,
  limits: Pick<Limits, 'allowedTypes' | 'maxFileSize'>,
  readAhead: Lease,
): Promise<PreparedFile> {
  if (part.name !== FILE_FIELD) throw uploadError('bad-request');
  // Stryker disable next-line ObjectLiteral: the error body carries code and message only; the client names the file
  if (!isSafeFileName(part.fileName)) throw uploadError('invalid-file-name', { details: { fileName: part.fileName } });
  const type = findFileType(part.fileName, limits.allowedTypes);
  if (!type) {
    // Stryker disable next-line ObjectLiteral: the error body carries code and message only; the client names the file
    throw uploadError('file-type-not-allowed', { values: { types: describeFileTypes(limits.allowedTypes) }, details: { fileName: part.fileName } });
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator,ObjectLiteral: the length check below refuses the same
  if (part.maxPossibleSize <= 0) throw uploadError('file-empty', { details: { fileName: part.fileName } });
  const rest = fileChunks(part);
  // Stryker disable next-line EqualityOperator: the same answer for every file, only the budget used differs (machine suites)
  const proven = part.maxPossibleSize <= limits.maxFileSize;
  // Stryker disable next-line ArithmeticOperator: the same answer for every file, only the budget used differs (machine suites)
  const readUpTo = proven ? HEAD_BYTES : limits.maxFileSize + 1;
  const chunks: Buffer[] = [];
  let length = 0;
  let heldAhead = 0;
  // Stryker disable next-line EqualityOperator: the same answer for every file, only the budget used differs (machine suites)
  while (length < readUpTo) {
    const step = await rest.next();
    if (step.done) break;
    chunks.push(step.value);
    length += step.value.length;
    // Reading ahead holds bytes: every request together holds no more than the budget.
    if (!proven) {
      readAhead.take(step.value.length);
      // Stryker disable next-line AssignmentOperator: the lease's release at the request's end gives back all it holds
      heldAhead += step.value.length;
    }
  }
  // Stryker disable next-line ConditionalExpression,ObjectLiteral: the bound check above already refused empty files
  if (length === 0) throw uploadError('file-empty', { details: { fileName: part.fileName } });
  if (length > limits.maxFileSize) throw tooLarge(part.fileName, limits);
  const head = Buffer.concat(chunks);
  if (!(await contentMatches(type, head.subarray(0, HEAD_BYTES)))) {
    // Stryker disable next-line ObjectLiteral: the error body carries code and message only; the client names the file
    throw uploadError('file-content-mismatch', { details: { fileName: part.fileName } });
  }
  return { name: part.fileName, upstreamName: names.take(upstreamSafe(part.fileName)), type, head, rest, heldAhead };
}

export function tooLarge(fileName: string, limits: Pick<Limits, 'maxFileSize'>) {
  // Stryker disable next-line ObjectLiteral: the error body carries code and message only; the client names the file
  return uploadError('file-too-large', { values: { maxSize: formatBytes(limits.maxFileSize) }, details: { fileName } });
}

/**
 * The name a file is sent to HighLevel under: a `"` would travel escaped (`%22`) and come back
 * as another key in HighLevel's answer, so it is sent as `'`. The user's name is kept for them.
 */
export function upstreamSafe(name: string): string {
  return name.replaceAll('"', "'");
}

/** Hands out `a.png`, `a (2).png`, `a (3).png`… for repeated names. */
export class UniqueNames {
  private readonly taken = new Set<string>();

  take(name: string): string {
    let candidate = name;
    const dot = name.lastIndexOf('.');
    const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    for (let n = 2; this.taken.has(candidate); n += 1) candidate = `${stem} (${n})${ext}`;
    this.taken.add(candidate);
    return candidate;
  }
}
