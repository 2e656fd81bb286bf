/**
 * Every error the product can report, with the HTTP status the BFF answers it with. Client and
 * server both read this table: the server picks the status from the code, the client rebuilds
 * the code from the body (or, for a body that is not ours, from the status).
 *
 * Status 0 marks codes that only the browser produces (nothing was answered).
 */
export const ERROR_STATUS = {
  // The file itself: found by the dropzone before upload, and again by the BFF.
  'file-type-not-allowed': 415,
  'file-content-mismatch': 415,
  'file-too-large': 413,
  'file-empty': 400,
  'too-many-files': 400,
  'invalid-file-name': 400,
  'no-files': 400,
  // The request to the BFF.
  'bad-request': 400,
  'request-timeout': 408,
  'missing-conversation-id': 400,
  'invalid-conversation-id': 400,
  'not-multipart': 415,
  'forbidden-origin': 403,
  'missing-requested-with': 403,
  unauthorized: 401,
  'method-not-allowed': 405,
  'file-url-not-allowed': 403,
  'file-not-found': 404,
  'preview-link-invalid': 403,
  'preview-link-expired': 403,
  'server-busy': 503,
  // Sending a message (`POST {endpoint}/messages`).
  'message-empty': 400,
  'message-too-large': 413,
  'message-type-not-allowed': 400,
  'email-subject-required': 400,
  'too-many-attachments': 400,
  'attachment-not-signed': 403,
  'attachment-other-conversation': 403,
  'attachment-expired': 403,
  'conversation-other-location': 403,
  'idempotency-key-required': 400,
  'idempotency-key-reused': 422,
  'send-in-progress': 409,
  'message-rejected': 502,
  // The shared store (Redis, or the process's memory) that holds tokens, locks and rate limits.
  'store-unavailable': 503,
  // HighLevel's single sign-on (a Marketplace app's custom page).
  'session-expired': 401,
  'app-not-installed': 403,
  'install-failed': 502,
  'install-not-location': 502,
  // HighLevel's answers, translated. A refused server token is the server's fault, not the
  // user's: 502, so that the browser never mistakes it for its own session ending.
  'highlevel-auth': 502,
  'highlevel-rejected': 502,
  'conversation-not-found': 404,
  'rate-limited': 429,
  'highlevel-unavailable': 502,
  'highlevel-timeout': 504,
  internal: 500,
  // Browser only.
  'image-not-shrinkable': 0,
  // Bytes stopped moving for the uploader's `stallTimeoutMs`: the upload was aborted.
  'upload-stalled': 0,
  'origin-not-allowed': 0,
  'endpoint-not-found': 0,
  network: 0,
  cancelled: 0,
} as const;

/** A code of {@link ERROR_STATUS}. */
export type ErrorCode = keyof typeof ERROR_STATUS;

/** Whether a string from the wire is one of our codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}

/**
 * The code for an answer whose body is not ours (a proxy's HTML error page, a gateway timeout):
 * the table read backwards, by status alone.
 */
export function codeForStatus(status: number): ErrorCode {
  if (status === 401) return 'unauthorized';
  if (status === 403) return 'forbidden-origin';
  // Our 404s come with our body; a bare 404 is a host server without the route: a wrong endpoint.
  if (status === 404) return 'endpoint-not-found';
  if (status === 413) return 'file-too-large';
  if (status === 415) return 'file-type-not-allowed';
  if (status === 429) return 'rate-limited';
  if (status === 503) return 'server-busy';
  if (status === 504) return 'highlevel-timeout';
  if (status >= 500) return 'highlevel-unavailable';
  if (status >= 400) return 'bad-request';
  return 'internal';
}
