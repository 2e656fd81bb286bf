import { ERROR_STATUS } from '../shared/error-codes.js';
import { UploadError, isUploadError } from '../shared/upload-error.js';
import type { ErrorResponseBody } from '../shared/wire.js';
import type { Logger } from './options.js';

/** The methods the route serves; any other is answered 405 with these in `Allow`. */
export const ALLOWED_METHODS: readonly string[] = ['GET', 'POST', 'OPTIONS'];

/** A JSON response that no cache keeps: answers here are about one user's upload. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers },
  });
}

/**
 * The answer for anything thrown while handling a request. Our own errors keep their code and
 * message; anything else is logged and becomes `internal`, with no detail leaked.
 */
export function errorResponse(error: unknown, logger: Logger): Response {
  // Stryker disable ObjectLiteral: without the cause, the log line below falls back to the error itself
  const uploadError = isUploadError(error)
    ? error
    : new UploadError('internal', 'Something went wrong on the server.', {}, { cause: error });
  // Stryker restore ObjectLiteral
  // Stryker disable next-line LogicalOperator: for internal the cause is the error itself: the same text
  if (uploadError.code === 'internal') logger.error?.('upload failed', { error: String(uploadError.cause ?? error) });
  const body: ErrorResponseBody = {
    error: {
      code: uploadError.code,
      message: uploadError.message,
      // Stryker disable next-line ConditionalExpression: JSON.stringify leaves an undefined retryAfter out
      ...(uploadError.retryAfter === undefined ? {} : { retryAfter: uploadError.retryAfter }),
    },
  };
  const headers: Record<string, string> =
    uploadError.retryAfter === undefined ? {} : { 'Retry-After': String(uploadError.retryAfter) };
  if (uploadError.code === 'method-not-allowed') headers.Allow = ALLOWED_METHODS.join(', ');
  return jsonResponse(ERROR_STATUS[uploadError.code] || 500, body, headers);
}
