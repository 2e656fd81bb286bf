import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { isUploadError, type UploadError } from '../../shared/upload-error.js';
import { formOf } from '../../testing/multipart.js';
import { fixture } from '../../testing/fixtures.js';
import { startStack, type Stack } from '../../testing/start-stack.js';
import { MAX_RETRY_AFTER_SECONDS } from '../map-highlevel-error.js';
import { staticToken, type RateLimitOptions } from '../options.js';
import { resolveOptions } from '../resolve-options.js';
import { memoryStore } from './memory-store.js';
import { waitForTurn } from './wait-for-turn.js';

// The fleet's pace per location, as a request sees it: it goes at once while there is room,
// waits its turn when there is none, is refused with a Retry-After when the turn is too far,
// and stops waiting when its client leaves. The store runs on a clock the test moves.

let clock = 0;
const optionsWith = (rateLimit: RateLimitOptions | false) =>
  resolveOptions({
    getToken: staticToken('pit'),
    locationId: 'loc-1',
    authorize: 'anyone',
    previewSecret: 'p'.repeat(32),
    sharedStore: memoryStore({ now: () => clock }),
    rateLimit,
  }).shared;

/** Settles `promise` as far as it goes without time passing: 'pending', 'resolved' or the error. */
async function stateOf(promise: Promise<void>): Promise<'pending' | 'resolved' | UploadError> {
  let state: 'pending' | 'resolved' | UploadError = 'pending';
  promise.then(
    () => (state = 'resolved'),
    (error: UploadError) => (state = error),
  );
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
  return state;
}

describe('waiting for a turn to call HighLevel', () => {
  beforeEach(() => {
    clock = 1_000_000;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => vi.useRealTimers());

  it('goes at once while the window has room, then waits until the oldest leaves it', async () => {
    const options = optionsWith({ max: 2, intervalMs: 1000, maxWaitMs: 5000 });
    const signal = new AbortController().signal;
    expect(await stateOf(waitForTurn('loc-1', options, signal))).toBe('resolved');
    expect(await stateOf(waitForTurn('loc-1', options, signal))).toBe('resolved');
    const third = waitForTurn('loc-1', options, signal);
    expect(await stateOf(third)).toBe('pending');
    await vi.advanceTimersByTimeAsync(999);
    expect(await stateOf(third)).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(await stateOf(third)).toBe('resolved');
  });

  it('counts each location on its own', async () => {
    const options = optionsWith({ max: 1, intervalMs: 1000, maxWaitMs: 5000 });
    const signal = new AbortController().signal;
    expect(await stateOf(waitForTurn('loc-a', options, signal))).toBe('resolved');
    expect(await stateOf(waitForTurn('loc-b', options, signal))).toBe('resolved');
    expect(await stateOf(waitForTurn('loc-a', options, signal))).toBe('pending');
    vi.clearAllTimers();
  });

  it('does not pace at all with rateLimit: false', async () => {
    const options = optionsWith(false);
    const signal = new AbortController().signal;
    for (let i = 0; i < 200; i += 1) expect(await stateOf(waitForTurn('loc-1', options, signal))).toBe('resolved');
  });

  it('refuses a turn further than maxWaitMs with 429 rate-limited and the wait, rounded up, as Retry-After', async () => {
    const options = optionsWith({ max: 1, intervalMs: 1500, maxWaitMs: 1000 });
    const signal = new AbortController().signal;
    expect(await stateOf(waitForTurn('loc-1', options, signal))).toBe('resolved');
    const refused = await stateOf(waitForTurn('loc-1', options, signal));
    expect(isUploadError(refused) && refused.code).toBe('rate-limited');
    const error = refused as UploadError;
    expect(error.status).toBe(429);
    expect(error.retryAfter).toBe(2);
    expect(error.message).toMatch(/2/);
  });

  it('asks for at least one second, and at most the cap, however near or far the turn', async () => {
    const near = optionsWith({ max: 1, intervalMs: 10, maxWaitMs: 0 });
    const signal = new AbortController().signal;
    await waitForTurn('loc-1', near, signal);
    const soon = (await stateOf(waitForTurn('loc-1', near, signal))) as UploadError;
    expect(soon.code).toBe('rate-limited');
    expect(soon.retryAfter).toBe(1);

    const far = optionsWith({ max: 1, intervalMs: 3_600_000, maxWaitMs: 0 });
    await waitForTurn('loc-1', far, signal);
    const later = (await stateOf(waitForTurn('loc-1', far, signal))) as UploadError;
    expect(later.code).toBe('rate-limited');
    expect(later.retryAfter).toBe(MAX_RETRY_AFTER_SECONDS);
  });

  it('stops waiting with cancelled when the client leaves, and at once when it has already left', async () => {
    const options = optionsWith({ max: 1, intervalMs: 1000, maxWaitMs: 5000 });
    await waitForTurn('loc-1', options, new AbortController().signal);
    const leaving = new AbortController();
    const waiting = waitForTurn('loc-1', options, leaving.signal);
    expect(await stateOf(waiting)).toBe('pending');
    leaving.abort();
    const cancelled = await stateOf(waiting);
    expect(isUploadError(cancelled) && cancelled.code).toBe('cancelled');
    expect(vi.getTimerCount()).toBe(0);

    const gone = new AbortController();
    gone.abort();
    const early = await stateOf(waitForTurn('loc-1', options, gone.signal));
    expect(isUploadError(early) && early.code).toBe('cancelled');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not hold back a request whose turn is now, even for a tick', async () => {
    const options = optionsWith({ max: 5, intervalMs: 1000, maxWaitMs: 5000 });
    expect(await stateOf(waitForTurn('loc-1', options, new AbortController().signal))).toBe('resolved');
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('the pace through a real BFF', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ bff: { rateLimit: { max: 1, intervalMs: 60_000, maxWaitMs: 0 } } });
  });
  afterAll(() => stack.close());

  it('answers an upload past the limit with 429 and Retry-After before HighLevel is asked', async () => {
    const upload = () =>
      fetch(stack.endpoint, {
        method: 'POST',
        headers: { 'X-Requested-With': 'ghl-attachments' },
        body: formOf([['conversationId', 'c1'], { name: 'a.png', bytes: fixture('sample.png').bytes }]),
      });
    expect((await upload()).status).toBe(200);
    const refused = await upload();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBe(MAX_RETRY_AFTER_SECONDS);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('rate-limited');
    expect(stack.mock.stats.uploadRequests).toBe(1);
  });
});

describe('a client that leaves while its upload waits for the turn', () => {
  let stack: Stack;
  let authorized = 0;
  beforeAll(async () => {
    stack = await startStack({
      bff: {
        // One upload in flight at a time: whoever holds the place keeps every other upload out.
        maxUploadsInFlight: 1,
        rateLimit: { max: 1, intervalMs: 20_000, maxWaitMs: 30_000 },
        authorize: () => {
          authorized += 1;
          return true;
        },
      },
    });
  });
  afterAll(() => stack.close());

  const upload = (name: string, signal?: AbortSignal) =>
    fetch(stack.endpoint, {
      method: 'POST',
      headers: { 'X-Requested-With': 'ghl-attachments' },
      body: formOf([['conversationId', 'c1'], { name, bytes: fixture('sample.png').bytes }]),
      signal,
    });
  const codeOf = async (answer: Response) => ((await answer.json()) as { error: { code: string } }).error.code;

  it('gives its place back at once: the next upload is told about the pace, not that the server is busy', async () => {
    expect((await upload('first.png')).status).toBe(200);
    // The second upload is checked (authorize runs before the wait) and then waits 20 s for its turn.
    const leaving = new AbortController();
    const waiting = upload('second.png', leaving.signal).catch((error: unknown) => error);
    await vi.waitFor(() => expect(authorized).toBe(2), { timeout: 5000, interval: 20 });
    const meanwhile = await upload('third.png');
    expect(meanwhile.status).toBe(503);
    expect(await codeOf(meanwhile)).toBe('server-busy');

    leaving.abort();
    expect(await waiting).toBeInstanceOf(Error);
    // Well before the 20 s turn, the place is free again. The turn it reserved goes unused, so the
    // next upload's turn is 40 s away, past maxWaitMs: 429 with the wait, the widget's cue to retry.
    let next = await upload('fourth.png');
    for (let tries = 0; tries < 100 && next.status === 503; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      next = await upload('fourth.png');
    }
    expect(next.status).toBe(429);
    expect(await codeOf(next)).toBe('rate-limited');
    expect(stack.mock.stats.uploadRequests).toBe(1);
  });
});
