/**
 * Every error the product can report, with the HTTP status the BFF answers it with. Client and
 * server both read this table: the server picks the status from the code, the client rebuilds
 * the code from the body (or, for a body that is not ours, from the status).
 *
 * Status 0 marks codes that only the browser produces (nothing was answered).
 */
export const ERROR_STATUS = {
  // The file itself: found by the dropzone before upload, and again by the BFF.
  /** extension not on the allow-list (or HighLevel's 415) */
  'file-type-not-allowed': 415,
  /** content does not match the extension */
  'file-content-mismatch': 415,
  /** over `maxFileSize` (or HighLevel's 413) */
  'file-too-large': 413,
  /** a file of 0 bytes */
  'file-empty': 400,
  /** more files than allowed */
  'too-many-files': 400,
  /** path parts, control characters, bidi controls or invisible characters, too long */
  'invalid-file-name': 400,
  /** the request had no file */
  'no-files': 400,
  // The request to the BFF.
  /** malformed multipart, unknown or repeated fields */
  'bad-request': 400,
  /** the browser sent less than `clientMinBytesPerSecond` over a `clientRateWindowMs` window */
  'request-timeout': 408,
  /** no `conversationId` before the files */
  'missing-conversation-id': 400,
  /** a conversation id that is not letters, digits, `-` and `_` */
  'invalid-conversation-id': 400,
  /** body not `multipart/form-data` */
  'not-multipart': 415,
  /** posted from a page of another origin, or its preflight refused */
  'forbidden-origin': 403,
  /** no `X-Requested-With: ghl-attachments` header */
  'missing-requested-with': 403,
  /** the host app refused the user */
  unauthorized: 401,
  /** not `POST`, `GET` or `OPTIONS` (with `Allow`) */
  'method-not-allowed': 405,
  /** a preview of a URL that is not HighLevel's file host */
  'file-url-not-allowed': 403,
  /** a preview: HighLevel no longer has the file */
  'file-not-found': 404,
  /** a preview without a handle this server signed, or for another location */
  'preview-link-invalid': 403,
  /** a preview link past its `previewTtlSeconds` */
  'preview-link-expired': 403,
  /**
   * `maxReadAheadBytes`, `maxUploadsInFlight` or `maxUnauthenticatedInFlight` reached;
   * `retryAfter` 5 s in body and
   * `Retry-After`, retried by the widget
   */
  'server-busy': 503,
  // Sending a message (`POST {endpoint}/messages`).
  /** a send with no text and no attachment */
  'message-empty': 400,
  /** a send's JSON over 64 KB */
  'message-too-large': 413,
  /** a type not in `messageTypes` (or a conversation with no channel of its own) */
  'message-type-not-allowed': 400,
  /** an email without subject or html */
  'email-subject-required': 400,
  /** more than 5 attachments in one message */
  'too-many-attachments': 400,
  /** an attachment that is not a handle this server signed (a bare URL, a tampered handle) */
  'attachment-not-signed': 403,
  /** a handle for another location or conversation */
  'attachment-other-conversation': 403,
  /** a handle past its `previewTtlSeconds` */
  'attachment-expired': 403,
  /** the conversation is another location's */
  'conversation-other-location': 403,
  /** a send without an `Idempotency-Key` (8–255 visible ASCII characters) */
  'idempotency-key-required': 400,
  /** the key was used for a message with other content */
  'idempotency-key-reused': 422,
  /** the first send with the key has not answered within the longest a send can take; retried */
  'send-in-progress': 409,
  /** HighLevel refused the message (400/422); kept for the key */
  'message-rejected': 502,
  // The shared store (Redis, or the process's memory) that holds tokens, locks and rate limits.
  /**
   * the shared store (Redis) did not answer within 2 s, or a new token pair could not be saved;
   * `Retry-After: 5`
   */
  'store-unavailable': 503,
  // HighLevel's single sign-on (a Marketplace app's custom page).
  /** with `highLevelSso`: the session has ended (the page signs in again) */
  'session-expired': 401,
  /** no tokens for the location: the app is not installed there */
  'app-not-installed': 403,
  /** HighLevel refused the install's code (used, expired, another redirect URL) */
  'install-failed': 502,
  /**
   * HighLevel answered the install with an agency's token, not a sub-account's: it is not stored
   */
  'install-not-location': 502,
  // HighLevel's answers, translated. A refused server token is the server's fault, not the
  // user's: 502, so that the browser never mistakes it for its own session ending.
  /** HighLevel refused the server's token (401/403) */
  'highlevel-auth': 502,
  /** HighLevel refused the request (400/422) or answered without a URL */
  'highlevel-rejected': 502,
  /** HighLevel does not know the conversation */
  'conversation-not-found': 404,
  /**
   * HighLevel's rate limit, the fleet's pace (`rateLimit`) or a per-address bound; `retryAfter`
   * seconds (1–60) in body and `Retry-After`
   */
  'rate-limited': 429,
  /** HighLevel unreachable, reset, 5xx or a redirect */
  'highlevel-unavailable': 502,
  /** HighLevel did not answer in time */
  'highlevel-timeout': 504,
  /** anything else (logged, no detail leaked) */
  internal: 500,
  // Browser only.
  /** a photo over the limit that could not be read or made to fit (refused) */
  'image-not-shrinkable': 0,
  /** the upload's bytes stood still for the uploader's `stallTimeoutMs` (30 s): it was aborted; retry by hand */
  'upload-stalled': 0,
  /**
   * the BFF is reachable but the browser blocked the request (CORS: this page's origin, a header
   * or credentials not allowed); not retried by itself
   */
  'origin-not-allowed': 0,
  /** the `endpoint` answered a bare 404 (no BFF there) */
  'endpoint-not-found': 0,
  /** the connection was lost */
  network: 0,
  /** cancelled by the user */
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
