import { codeForStatus, isErrorCode } from '../shared/error-codes.js';
import {
  IDEMPOTENCY_KEY_HEADER,
  MESSAGES_PATH,
  type MessageType,
  type SendMessageRequestBody,
  type SendMessageResponseBody,
} from '../shared/message-wire.js';
import { DEFAULT_ERROR_MESSAGES } from '../shared/messages.js';
import { UploadError, uploadError } from '../shared/upload-error.js';
import { REQUESTED_WITH_HEADER, REQUESTED_WITH_VALUE, type ErrorResponseBody, type UploadedFile } from '../shared/wire.js';
import { DEFAULT_ENDPOINT } from './upload-file.js';

/** Options of {@link sendMessage}. */
export interface SendMessageOptions {
  /** The HighLevel conversation to answer. Required. */
  conversationId: string;
  /** The text. */
  message?: string;
  /** For `Email`. */
  subject?: string;
  /** For `Email`. */
  html?: string;
  /** One of the types the BFF allows. Default: the conversation's own channel. */
  type?: MessageType;
  /** Files the upload answered (or their `handle`s), in order. Default: none. */
  attachments?: readonly (UploadedFile | string)[];
  /**
   * The message's key: a new random one per message, the same on every retry of it, so that a
   * retry never sends it twice. Default: a new `crypto.randomUUID()` (then a retry must pass
   * the key the first try used: see `useSendMessage`, which does).
   */
  idempotencyKey?: string;
  /** The BFF route (the upload's). Default: `/api/attachments`. */
  endpoint?: string;
  /** Extra headers, or a function read before the request, as for uploads. Default: none. */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /** Send cookies to a BFF on another origin. Default: `false`. */
  withCredentials?: boolean;
  /** Aborts the request (the BFF still sees a send through that it has begun: retry with the key to learn its answer). */
  signal?: AbortSignal;
}

/**
 * Sends a message with attachments through the BFF (`POST {endpoint}/messages`) and resolves
 * with HighLevel's ids. Rejects with an `UploadError` whose `code` is the server's, or `network`
 * / `cancelled` when no answer came.
 */
export async function sendMessage(options: SendMessageOptions): Promise<SendMessageResponseBody> {
  const { conversationId, endpoint = DEFAULT_ENDPOINT, signal, withCredentials = false } = options;
  const attachments = (options.attachments ?? []).map((file) => {
    const handle = typeof file === 'string' ? file : file.handle;
    // A file from elsewhere (no handle) cannot be sent: the BFF sends only what it uploaded.
    if (!handle) throw uploadError('attachment-not-signed');
    return handle;
  });
  const body: SendMessageRequestBody = {
    conversationId,
    ...(options.type ? { type: options.type } : {}),
    ...(options.message ? { message: options.message } : {}),
    ...(options.subject ? { subject: options.subject } : {}),
    ...(options.html ? { html: options.html } : {}),
    ...(attachments.length > 0 ? { attachments } : {}),
  };
  const headers = typeof options.headers === 'function' ? await options.headers() : (options.headers ?? {});
  let response: Response;
  try {
    response = await fetch(`${endpoint.replace(/\/+$/, '')}${MESSAGES_PATH}`, {
      method: 'POST',
      headers: {
        ...headers,
        'Content-Type': 'application/json',
        Accept: 'application/json',
        [REQUESTED_WITH_HEADER]: REQUESTED_WITH_VALUE,
        [IDEMPOTENCY_KEY_HEADER]: options.idempotencyKey ?? crypto.randomUUID(),
      },
      body: JSON.stringify(body),
      credentials: withCredentials ? 'include' : 'same-origin',
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw uploadError('cancelled', { cause: error });
    throw uploadError('network', { cause: error });
  }
  const data = (await response.json().catch(() => undefined)) as Partial<ErrorResponseBody> & Partial<SendMessageResponseBody> | undefined;
  if (response.ok && typeof data?.messageId === 'string') return data as SendMessageResponseBody;
  throw errorOf(response, data);
}

function errorOf(response: Response, data: Partial<ErrorResponseBody> | undefined): UploadError {
  const header = Number(response.headers.get('retry-after'));
  const retryAfter = data?.error?.retryAfter ?? (Number.isFinite(header) && header > 0 ? header : undefined);
  if (data?.error && isErrorCode(data.error.code)) {
    return new UploadError(data.error.code, String(data.error.message ?? DEFAULT_ERROR_MESSAGES[data.error.code]), { retryAfter });
  }
  const code = response.ok ? 'internal' : codeForStatus(response.status);
  return new UploadError(code, DEFAULT_ERROR_MESSAGES[code], { retryAfter });
}

/** Codes after which the same message, with the same key, may simply be tried again. */
export const RETRYABLE_SEND_CODES: ReadonlySet<string> = new Set([
  'network',
  'server-busy',
  'rate-limited',
  'store-unavailable',
  'send-in-progress',
  'highlevel-unavailable',
  'highlevel-timeout',
  'request-timeout',
]);
