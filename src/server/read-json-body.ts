import { uploadError } from '../shared/upload-error.js';
import type { ErrorCode } from '../shared/error-codes.js';
import { BUSY_RETRY_AFTER_SECONDS } from './budget.js';
import { requestBodyStream } from './request-body.js';

export interface JsonBodyLimits {
  /** Most bytes the body may have. */
  limit: number;
  /** How long the whole body may take to arrive. */
  deadlineMs: number;
  /** The code for a body past `limit`. Default `bad-request`. */
  tooLarge?: ErrorCode;
  /** Aborted when a newcomer takes this request's place in the strangers' pool. */
  evicted?: AbortSignal;
}

/**
 * A small JSON body, read up to `limit` bytes within `deadlineMs`: a declared or actual size past
 * the limit is `tooLarge` (413 for a message), a body that does not parse is 400 `bad-request`,
 * and one that has not arrived by the deadline is 408 `request-timeout` (a client that sends
 * headers and then nothing holds nothing for long). Bytes past the limit are drained, not kept,
 * so that the answer still reaches the client. Evicted before the body is in, it is 503
 * `server-busy`, which the widget retries.
 */
export async function readJsonBody(request: Request, { limit, deadlineMs, tooLarge = 'bad-request', evicted }: JsonBodyLimits): Promise<unknown> {
  const header = request.headers.get('content-length');
  if (header !== null && (!/^\d+$/.test(header) || Number(header) > limit)) {
    requestBodyStream(request).resume();
    throw uploadError(/^\d+$/.test(header) ? tooLarge : 'bad-request');
  }
  const body = requestBodyStream(request);
  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => finish(uploadError('request-timeout')), deadlineMs);
    const onEvicted = () => finish(uploadError('server-busy', { values: { seconds: BUSY_RETRY_AFTER_SECONDS }, details: { retryAfter: BUSY_RETRY_AFTER_SECONDS } }));
    evicted?.addEventListener('abort', onEvicted, { once: true });
    const finish = (error?: unknown) => {
      clearTimeout(timer);
      evicted?.removeEventListener('abort', onEvicted);
      // Stryker disable next-line StringLiteral: a leftover listener only calls finish() again (no-ops) or grows a dropped array
      body.off('data', onData);
      if (error) {
        body.resume();
        reject(error);
      } else resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(uploadError(tooLarge));
      else chunks.push(chunk);
    };
    body.on('data', onData);
    body.once('end', () => finish());
    // The client went away mid-body (a reset, a half-close): its request ends, nothing to log.
    body.once('error', () => finish(uploadError('cancelled')));
  });
  try {
    return JSON.parse(text);
  } catch {
    throw uploadError('bad-request');
  }
}
