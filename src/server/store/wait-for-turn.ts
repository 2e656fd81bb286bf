import { uploadError } from '../../shared/upload-error.js';
import { MAX_RETRY_AFTER_SECONDS } from '../map-highlevel-error.js';
import type { Shared } from '../resolve-options.js';

/**
 * Waits for this request's turn to call HighLevel for `locationId`, so that all instances
 * together stay under HighLevel's limit (`rateLimit`, counted in the shared store). A turn
 * further than `maxWaitMs` away is not taken: 429 `rate-limited` with the wait as `Retry-After`,
 * before HighLevel has to say it. A client that leaves while waiting stops the wait (its turn
 * then goes unused, which only errs on the safe side).
 */
export async function waitForTurn(locationId: string, shared: Shared, signal: AbortSignal): Promise<void> {
  if (!shared.rateLimit) return;
  const turn = await shared.store.reserveSlot(`rate:${locationId}`, shared.rateLimit);
  if (!turn.granted) {
    const seconds = Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, Math.ceil(turn.waitMs / 1000)));
    throw uploadError('rate-limited', { values: { seconds }, details: { retryAfter: seconds } });
  }
  if (turn.waitMs <= 0) return;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(done, turn.waitMs);
    function done() {
      // Stryker disable next-line StringLiteral: a leftover listener clears a fired timer and rejects a settled promise
      signal.removeEventListener('abort', cancelled);
      resolve();
    }
    function cancelled() {
      clearTimeout(timer);
      reject(uploadError('cancelled'));
    }
    if (signal.aborted) cancelled();
    // A signal aborts once: the listener needs no `once`, and done() removes it.
    else signal.addEventListener('abort', cancelled);
  });
}
