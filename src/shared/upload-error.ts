import { ERROR_STATUS, type ErrorCode } from './error-codes.js';
import { DEFAULT_ERROR_MESSAGES, formatMessage } from './messages.js';

/** Extra facts some errors carry, for the message and for retrying. */
export interface UploadErrorDetails {
  /** Seconds to wait before trying again (from `Retry-After`), for `rate-limited`. */
  retryAfter?: number;
  /** The file the error is about, when it is about one. */
  fileName?: string;
}

/**
 * The one error type of the product, on both sides of the wire. The server throws it and answers
 * `{ error: { code, message } }` with the status of its code; the client rebuilds it from that
 * body, so `error.code` is the same everywhere and the UI can look its words up by code.
 */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  readonly code: ErrorCode;
  readonly retryAfter: number | undefined;
  readonly fileName: string | undefined;

  constructor(code: ErrorCode, message: string, details: UploadErrorDetails = {}, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.retryAfter = details.retryAfter;
    this.fileName = details.fileName;
  }

  /** The HTTP status the BFF answers this error with (0 for browser-only codes). */
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** Whether a thrown value is an {@link UploadError}, across bundle copies too. */
export function isUploadError(value: unknown): value is UploadError {
  return value instanceof UploadError || (value instanceof Error && value.name === 'UploadError' && 'code' in value);
}

/** What {@link uploadError} may be told besides the code. */
export interface UploadErrorInit {
  /** `{placeholder}` values of the code's message, e.g. `{ maxSize: '5 MB' }`. */
  values?: Record<string, string | number | undefined>;
  /** Facts the error carries (`retryAfter`, `fileName`). */
  details?: UploadErrorDetails;
  /** The error behind this one, kept for logs (never sent to the browser). */
  cause?: unknown;
}

const INIT_KEYS = new Set(['values', 'details', 'cause']);

/**
 * An {@link UploadError} with the English message for its code, `{placeholders}` filled from
 * `values`: `uploadError('file-too-large', { values: { maxSize: '5 MB' } })`.
 */
export function uploadError(code: ErrorCode, init?: UploadErrorInit): UploadError;
/**
 * @deprecated Since 1.1: pass one object, `uploadError(code, { values, details, cause })`. The
 * positional form stays until 2.0.
 */
export function uploadError(
  code: ErrorCode,
  values: Record<string, string | number | undefined>,
  details?: UploadErrorDetails,
  options?: ErrorOptions,
): UploadError;
export function uploadError(
  code: ErrorCode,
  second: UploadErrorInit | Record<string, string | number | undefined> = {},
  details?: UploadErrorDetails,
  options?: ErrorOptions,
): UploadError {
  // One object whose keys are all init keys is the new form; message values never use those names.
  const keys = Object.keys(second);
  const isInit = details === undefined && options === undefined && keys.length > 0 && keys.every((key) => INIT_KEYS.has(key));
  const init: UploadErrorInit = isInit
    ? (second as UploadErrorInit)
    : { values: second as Record<string, string | number | undefined>, ...(details ? { details } : {}), ...(options && 'cause' in options ? { cause: options.cause } : {}) };
  const message = formatMessage(DEFAULT_ERROR_MESSAGES[code], init.values ?? {});
  return new UploadError(code, message, init.details ?? {}, 'cause' in init ? { cause: init.cause } : undefined);
}
