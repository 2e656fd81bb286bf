import { describeFileTypes, type FileTypeSpec } from '../shared/file-types.js';
import { formatBytes } from '../shared/limits.js';
import { uploadError, type UploadError } from '../shared/upload-error.js';

/** Longest wait passed on to the browser for a 429, in seconds; HighLevel's window is 10 s. */
export const MAX_RETRY_AFTER_SECONDS = 60;

export interface HighLevelErrorContext {
  maxFileSize: number;
  allowedTypes: readonly FileTypeSpec[];
}

/**
 * HighLevel's error answer as one of our codes. The body is read only to tell cases apart
 * (HighLevel's own words are never passed on: they can name internals), and both of its shapes,
 * `statusCode` and `status`, are understood.
 */
export function mapHighLevelError(
  status: number,
  body: unknown,
  headers: Headers,
  context: HighLevelErrorContext,
): UploadError {
  const message = messageOf(body);
  switch (status) {
    case 401:
    case 403:
      return uploadError('highlevel-auth');
    case 413:
      return uploadError('file-too-large', { values: { maxSize: formatBytes(context.maxFileSize) } });
    case 415:
      return uploadError('file-type-not-allowed', { values: { types: describeFileTypes(context.allowedTypes) } });
    case 429: {
      const retryAfter = retryAfterSeconds(headers);
      return uploadError('rate-limited', { values: { seconds: retryAfter }, details: { retryAfter } });
    }
    // Stryker disable next-line ConditionalExpression: the mutant is the original text (default: break)
    default:
      break;
  }
  if (status >= 500 && namesMissingConversation(message)) return uploadError('conversation-not-found');
  // Stryker disable next-line ConditionalExpression: only called outside 200-299, and no 1xx is a final answer
  if (status >= 500 || (status >= 300 && status < 400)) return uploadError('highlevel-unavailable');
  return uploadError('highlevel-rejected');
}

/**
 * How much of HighLevel's message is read, in characters. Its own messages are a line; the
 * answer may be up to 1 MB, and no check should cost more than this much text.
 */
export const MAX_MESSAGE_CHARS = 2048;

/** The start of HighLevel's message (a list of messages joined with `; `), at most {@link MAX_MESSAGE_CHARS}. */
function messageOf(body: unknown): string {
  // Stryker disable next-line StringLiteral: the text is only searched for 'conversation with id … not found'
  if (typeof body !== 'object' || body === null || !('message' in body)) return '';
  const { message } = body as { message: unknown };
  const parts = Array.isArray(message) ? message : [message];
  let text = '';
  for (const part of parts) {
    text += `${text === '' ? '' : '; '}${String(part ?? '')}`;
    // Stryker disable next-line EqualityOperator: a text of exactly the limit is its own first MAX_MESSAGE_CHARS
    if (text.length > MAX_MESSAGE_CHARS) return text.slice(0, MAX_MESSAGE_CHARS);
  }
  return text;
}

/**
 * Whether the message reads "Conversation with id … not found", found with two plain searches:
 * a pattern with `.*` between the words backtracks over the whole text at each place the first
 * words occur, which on a long message is quadratic (a megabyte of them held the event loop
 * for most of a minute).
 */
function namesMissingConversation(message: string): boolean {
  const lower = message.toLowerCase();
  const opening = 'conversation with id ';
  const start = lower.indexOf(opening);
  return start !== -1 && lower.includes(' not found', start + opening.length);
}

/**
 * Seconds to wait, from `Retry-After` (seconds or a date) or else HighLevel's interval header,
 * held between 1 and {@link MAX_RETRY_AFTER_SECONDS} so that a hostile or broken upstream cannot
 * park the browser for hours.
 */
export function retryAfterSeconds(headers: Headers, now = Date.now()): number {
  const header = headers.get('retry-after');
  let seconds = Number.NaN;
  // Stryker disable next-line ConditionalExpression,MethodExpression,StringLiteral: Headers.get trims; blank falls back
  if (header !== null && header.trim() !== '') {
    // Stryker disable next-line MethodExpression: Headers.get() values carry no outer whitespace: trim() changes nothing
    seconds = /^\d+$/.test(header.trim()) ? Number(header) : (Date.parse(header) - now) / 1000;
  }
  if (!Number.isFinite(seconds)) seconds = Number(headers.get('x-ratelimit-interval-milliseconds') ?? 10_000) / 1000;
  if (!Number.isFinite(seconds)) seconds = 10;
  return Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(seconds)));
}
