import { ReadableStream as WebReadableStream } from 'node:stream/web';
import { formatBytes } from '../shared/limits.js';
import { uploadError } from '../shared/upload-error.js';
import { CONVERSATION_ID_FIELD, type UploadedFile } from '../shared/wire.js';
import { HighLevelForm } from './highlevel-form.js';
import { mapHighLevelError } from './map-highlevel-error.js';
import { UpstreamStallError, postStream, type UpstreamAnswer } from './post-stream.js';
import type { Lease } from './budget.js';
import type { ResolvedLogger } from './logger.js';
import type { Caller, Callers, HighLevel, Limits, Shared } from './resolve-options.js';
import { UniqueNames, prepareFile, tooLarge, type PreparedFile } from './prepare-file.js';
import { BUSY_RETRY_AFTER_SECONDS } from './budget.js';
import { EvictedError, IdleTimeoutError, MalformedMultipartError, MultipartLimitError, readMultipart, type FieldPart, type Part } from './read-multipart.js';
import { requestBodyStream } from './request-body.js';
import { waitForTurn } from './store/wait-for-turn.js';

/** The API version HighLevel's upload endpoint is documented for. */
export const HIGHLEVEL_API_VERSION = '2021-04-15';

const CONVERSATION_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Streams the files of a checked request to HighLevel and returns what it stored. The fields come
 * first (the client sends `conversationId` before the files); the upstream request starts once
 * the first file has passed its checks, and each chunk is passed on as it arrives.
 */
/** What an upload reads: its limits, the host's `authorize`, HighLevel, the store and the log. */
export interface ForwardUploadOptions {
  limits: Limits;
  callers: Pick<Callers, 'authorize'>;
  highlevel: HighLevel;
  shared: Shared;
  logger: ResolvedLogger;
}

export async function forwardUpload(request: Request, options: ForwardUploadOptions, caller: Caller, stranger?: Stranger): Promise<ForwardedUpload> {
  const contentLength = declaredLength(request, options.limits);
  // A client that fails (stalls, resets, sends garbage) stops the upstream request at once, even
  // while that request is waiting for HighLevel to take more bytes.
  const clientFailed = new AbortController();
  // Every upload, a known caller's too, shows its conversation and passes authorize within the
  // deadline and the first 8 KiB: a browser sends that field in its first packet.
  let proven!: () => void;
  const proof = new Promise<void>((resolve) => (proven = resolve));
  const parts = readMultipart(
    requestBodyStream(request),
    // Stryker disable next-line StringLiteral: checkRequest refuses a request without a multipart type before this
    request.headers.get('content-type') ?? '',
    {
      maxFiles: options.limits.maxFilesPerRequest,
      maxFields: 4,
      maxFieldSize: 256,
      rateWindowMs: options.limits.clientRateWindowMs,
      minBytesPerSecond: options.limits.clientMinBytesPerSecond,
      proof: {
        deadlineMs: options.limits.unauthenticatedDeadlineMs,
        maxBytes: MAX_BYTES_BEFORE_FIRST_PART,
        proven: proof,
        ...(stranger?.evicted ? { evicted: stranger.evicted } : {}),
      },
    },
    contentLength,
    // Stryker disable next-line ArrowFunction: the failed body stream ends the upstream request itself, same answer
    (error) => clientFailed.abort(error),
  );
  const readAhead = options.limits.readAhead.lease();
  try {
    const authorized = () => {
      proven();
      stranger?.authorized();
    };
    return await forwardParts(parts, request, options, caller, readAhead, clientFailed.signal, authorized);
  } catch (error) {
    if (request.signal.aborted) throw uploadError('cancelled');
    if (error instanceof IdleTimeoutError) throw uploadError('request-timeout');
    if (error instanceof EvictedError) throw uploadError('server-busy', { values: { seconds: BUSY_RETRY_AFTER_SECONDS }, details: { retryAfter: BUSY_RETRY_AFTER_SECONDS } });
    if (error instanceof MultipartLimitError) {
      throw error.limit === 'files' ? uploadError('too-many-files', { values: { maxFiles: options.limits.maxFilesPerRequest } }) : uploadError('bad-request');
    }
    // Stryker disable next-line ObjectLiteral: a cause is read only for internal
    if (error instanceof MalformedMultipartError) throw uploadError('bad-request', { cause: error });
    throw error;
  } finally {
    readAhead.release();
    // Drains what the client still sends, so that the answer reaches it on the same connection.
    void parts.return(undefined);
  }
}

/** The bytes an upload may send before it is authorized: part headers, the conversation field. */
const MAX_BYTES_BEFORE_FIRST_PART = 8 * 1024;

/** An upload whose caller is not known until `authorize` has seen the conversation. */
export interface Stranger {
  /** Called once `authorize` has said yes: the caller is known from then on. */
  authorized(): void;
  /** Aborts when a newer stranger takes this one's place before it was authorized (503). */
  evicted?: AbortSignal;
}

/** What HighLevel stored, and for whom. */
export interface ForwardedUpload {
  files: UploadedFile[];
  conversationId: string;
  locationId: string;
}

async function forwardParts(
  parts: AsyncGenerator<Part, void, undefined>,
  request: Request,
  options: ForwardUploadOptions,
  caller: Caller,
  readAhead: Lease,
  clientFailed: AbortSignal,
  authorized: () => void,
): Promise<ForwardedUpload> {
  const names = new UniqueNames();
  let step = await parts.next();
  if (step.done || step.value.kind !== 'field') throw uploadError('missing-conversation-id');
  const conversationId = readField(step.value);
  // Asked as soon as the conversation is known, before the next part is waited for: a field
  // that never ends must not keep a caller unproven, and its place held, for as long as it drips.
  const { locationId, user } = caller;
  const context = { action: 'upload', conversationId, locationId, ...(user ? { user } : {}) } as const;
  if (!(await options.callers.authorize(request, context))) throw uploadError('unauthorized');
  authorized();
  step = await parts.next();
  if (!step.done && step.value.kind === 'field') throw uploadError('bad-request');
  // Stryker disable next-line ConditionalExpression: the line above refuses a field, so a step not done is a file
  if (step.done || step.value.kind !== 'file') throw uploadError('no-files');
  const first = await prepareFile(step.value, names, options.limits, readAhead);
  // The client's bytes wait (backpressure) while the location's turn comes.
  await waitForTurn(locationId, options.shared, AbortSignal.any([request.signal, clientFailed]));
  const token = await options.highlevel.getToken({ locationId });

  const form = new HighLevelForm();
  const sent: (PreparedFile & { size: number })[] = [];
  let refusal: unknown;
  const answerTimeout = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;

  async function* body(): AsyncGenerator<Uint8Array> {
    try {
      yield form.field('locationId', locationId);
      yield form.field(CONVERSATION_ID_FIELD, conversationId);
      for (let file: PreparedFile | undefined = first; file; file = await nextFile()) {
        yield form.fileHeader(file.upstreamName, file.type.mimeTypes[0]!);
        let size = 0;
        for (let chunk: IteratorResult<Buffer> = { done: false, value: file.head }; !chunk.done; chunk = await file.rest.next()) {
          size += chunk.value.length;
          if (size > options.limits.maxFileSize) throw tooLarge(file.name, options.limits);
          yield chunk.value;
          // What was read ahead has been handed to the socket: it no longer counts as held.
          readAhead.give(file.heldAhead);
        }
        yield form.fileEnd();
        sent.push({ ...file, size });
      }
      yield form.end();
      // The clock for HighLevel's answer starts when it has every byte: a slow client is not
      // HighLevel's fault.
      timer = setTimeout(() => answerTimeout.abort(), options.highlevel.upstreamTimeoutMs);
    } catch (error) {
      refusal = error;
      throw error;
    }
  }

  async function nextFile(): Promise<PreparedFile | undefined> {
    for (let next = await parts.next(); !next.done; next = await parts.next()) {
      if (next.value.kind === 'file') return prepareFile(next.value, names, options.limits, readAhead);
      readField(next.value, true);
    }
    return undefined;
  }

  const url = `${options.highlevel.apiBase}/conversations/messages/upload`;
  const headers = {
    Authorization: `Bearer ${token}`,
    Version: HIGHLEVEL_API_VERSION,
    Accept: 'application/json',
    'Content-Type': form.contentType,
  };
  const signal = AbortSignal.any([request.signal, answerTimeout.signal, clientFailed]);
  let response: UpstreamAnswer;
  try {
    response = options.highlevel.fetch
      ? await viaFetch(options.highlevel.fetch, url, headers, body(), signal)
      : await postStream(url, headers, body(), signal, options.highlevel.upstreamTimeoutMs);
  } catch (error) {
    if (refusal) throw refusal;
    if (clientFailed.aborted) throw clientFailed.reason;
    if (answerTimeout.signal.aborted || error instanceof UpstreamStallError) throw uploadError('highlevel-timeout');
    // Stryker disable next-line StringLiteral: forwardUpload's catch answers cancelled once the request is aborted
    if (request.signal.aborted) throw uploadError('cancelled');
    options.logger.warn('HighLevel could not be reached', { error: String(error) });
    // Stryker disable BlockStatement: a timer left set aborts a signal nothing listens to any more
    // Stryker disable next-line ObjectLiteral: a cause is read only for internal; the line above logs the reason
    throw uploadError('highlevel-unavailable', { cause: error });
  } finally {
    // Stryker restore BlockStatement
    clearTimeout(timer);
  }
  // Stryker disable next-line ConditionalExpression: a refused file ends the upstream body: the catch above threw it
  if (refusal) throw refusal;

  const { text } = response;
  const data = parseJson(text);
  // Stryker disable next-line ConditionalExpression: no 1xx is ever a final answer
  if (response.status < 200 || response.status > 299) {
    // HighLevel's body is logged for whoever runs the server, never sent on, and never with the
    // token in it (an upstream that echoes the Authorization header must not leak it to logs).
    options.logger.warn('HighLevel refused an upload', { status: response.status, body: redact(text, token).slice(0, 500) });
    // A refused token is not handed out again: the next upload re-reads the store, or refreshes.
    if (response.status === 401) options.highlevel.getToken.refused?.({ locationId, token });
    throw mapHighLevelError(response.status, data, response.headers, options.limits);
  }
  const urls = (data as { uploadedFiles?: Record<string, unknown> } | undefined)?.uploadedFiles ?? {};
  const files = sent.map((file) => {
    const url = urls[file.upstreamName];
    if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) {
      options.logger.warn('HighLevel answered without a URL for a file', { file: file.upstreamName });
      throw uploadError('highlevel-rejected');
    }
    return { name: file.name, url, mimeType: file.type.mimeTypes[0]!, size: file.size, kind: file.type.kind };
  });
  return { files, conversationId, locationId };
}

/**
 * HighLevel's words with every credential taken out, before anything is cut: a token cut in half
 * by a length limit would no longer match, and half a token is still a leak.
 */
export function redact(text: string, token: string): string {
  return (token ? text.replaceAll(token, '[token]') : text).replace(/Bearer\s+\S+/gi, 'Bearer [token]');
}

/** Room for multipart headers and fields around each file, in bytes. */
const PART_OVERHEAD = 16 * 1024;

/**
 * The request's Content-Length, which proves how large its files can be (browsers always send
 * it with a form); `Infinity` for a chunked request, whose files are then read ahead before
 * forwarding. A request larger than the most files at the most bytes could make is refused.
 */
function declaredLength(request: Request, limits: Pick<Limits, 'maxFilesPerRequest' | 'maxFileSize'>): number {
  const header = request.headers.get('content-length');
  if (header === null) return Number.POSITIVE_INFINITY;
  if (!/^\d+$/.test(header)) throw uploadError('bad-request');
  const length = Number(header);
  if (length > limits.maxFilesPerRequest * (limits.maxFileSize + PART_OVERHEAD)) {
    throw uploadError('file-too-large', { values: { maxSize: formatBytes(limits.maxFileSize) } });
  }
  return length;
}

/**
 * The only field the browser may send is the conversation id; anything else (`locationId`,
 * `attachmentUrls`…) is refused rather than silently dropped, so a caller learns its mistake.
 */
function readField(field: FieldPart, afterFiles = false): string {
  if (field.name !== CONVERSATION_ID_FIELD || afterFiles) throw uploadError('bad-request');
  if (field.value === '') throw uploadError('missing-conversation-id');
  if (field.truncated || !CONVERSATION_ID_PATTERN.test(field.value)) throw uploadError('invalid-conversation-id');
  return field.value;
}

/** The same request through a `fetch` the caller gave (runtimes without `node:http`). */
async function viaFetch(
  fetchImpl: typeof fetch,
  url: string,
  headers: Record<string, string>,
  body: AsyncGenerator<Uint8Array>,
  signal: AbortSignal,
): Promise<UpstreamAnswer> {
  const response = await fetchImpl(url, {
    method: 'POST',
    headers,
    body: WebReadableStream.from(body) as ReadableStream<Uint8Array>,
    duplex: 'half',
    redirect: 'manual',
    signal,
  } as RequestInit);
  return { status: response.status, headers: response.headers, text: await response.text() };
}

function parseJson(text: string): unknown {
  try {
    // Stryker disable BlockStatement: an empty catch falls through and returns undefined too
    return JSON.parse(text);
  } catch {
    // Stryker restore BlockStatement
    return undefined;
  }
}
