/**
 * HighLevel's failures as our codes: what the browser is told (code, status, message with the
 * numbers it needs) and how long it is told to wait after a 429, bounded whatever HighLevel says.
 * Through the real BFF and the real mock where HighLevel can send it; `retryAfterSeconds` with
 * an injected clock for dates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_FILE_TYPES, describeFileTypes } from '../shared/file-types.js';
import { formatBytes } from '../shared/limits.js';
import type { MockFault } from '../mock-highlevel/index.js';
import { pngOfSize } from '../testing/fixtures.js';
import { formOf } from '../testing/multipart.js';
import { startStack, type Stack } from '../testing/start-stack.js';
import { MAX_RETRY_AFTER_SECONDS, mapHighLevelError, retryAfterSeconds } from './map-highlevel-error.js';

const TOKEN = 'pit-highlevel-errors-token-0123456789';
const MAX_FILE_SIZE = 3 * 1024 * 1024;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ mock: { tokens: [{ token: TOKEN, locationId: 'loc1' }] }, bff: { maxFileSize: MAX_FILE_SIZE } });
});
afterAll(() => stack.close());

interface ErrorBody {
  error: { code: string; message: string; retryAfter?: number };
}

async function uploadAfter(fault: MockFault): Promise<{ status: number; body: ErrorBody; retryAfter: string | null }> {
  stack.mock.failNext(fault);
  const response = await fetch(stack.endpoint, {
    method: 'POST',
    headers: { 'X-Requested-With': 'ghl-attachments' },
    body: formOf([['conversationId', 'c1'], { name: 'a.png', bytes: pngOfSize(1024) }]),
  });
  const text = await response.text();
  expect(text).not.toContain(TOKEN);
  return { status: response.status, body: JSON.parse(text) as ErrorBody, retryAfter: response.headers.get('retry-after') };
}

describe('HighLevel’s refusals, as the browser sees them', () => {
  it('413: file-too-large, with this server’s limit in the message', async () => {
    const { status, body } = await uploadAfter({ kind: 'answer', status: 413, body: { status: 413, message: 'Failed to upload the files' } });
    expect(status).toBe(413);
    expect(body.error.code).toBe('file-too-large');
    expect(body.error.message).toContain(`(${formatBytes(MAX_FILE_SIZE)} max)`);
  });

  it('415: file-type-not-allowed, listing the allowed types', async () => {
    const { status, body } = await uploadAfter({ kind: 'answer', status: 415, body: { status: 415 } });
    expect(status).toBe(415);
    expect(body.error.code).toBe('file-type-not-allowed');
    expect(body.error.message).toContain(describeFileTypes(DEFAULT_FILE_TYPES));
  });

  it('429: rate-limited, the wait in the message, the body and Retry-After alike', async () => {
    const { status, body, retryAfter } = await uploadAfter({ kind: 'answer', status: 429, body: {}, headers: { 'Retry-After': '7' } });
    expect(status).toBe(429);
    expect(body.error).toMatchObject({ code: 'rate-limited', retryAfter: 7 });
    expect(body.error.message).toContain('7 s');
    expect(retryAfter).toBe('7');
  });

  it('429 without Retry-After: HighLevel’s own interval header, in seconds', async () => {
    const { body, retryAfter } = await uploadAfter({ kind: 'answer', status: 429, body: {}, headers: { 'X-RateLimit-Interval-Milliseconds': '3000' } });
    expect(body.error.retryAfter).toBe(3);
    expect(retryAfter).toBe('3');
  });

  it('a 300 (a redirect of sorts) is HighLevel being unavailable, not a refusal of the file', async () => {
    const { status, body } = await uploadAfter({ kind: 'answer', status: 300, body: {} });
    expect(status).toBe(502);
    expect(body.error.code).toBe('highlevel-unavailable');
  });

  it('a 400 that mentions a missing conversation is still a rejection (only HighLevel’s 500 means that)', async () => {
    const { status, body } = await uploadAfter({ kind: 'answer', status: 400, body: { statusCode: 400, message: 'Conversation with id c1 not found' } });
    expect(status).toBe(502);
    expect(body.error.code).toBe('highlevel-rejected');
  });

  it('a 500 naming the conversation in a list of messages: conversation-not-found (404)', async () => {
    const { status, body } = await uploadAfter({
      kind: 'answer',
      status: 500,
      body: { statusCode: 500, message: ['Conversation with id c1', 'not found'] },
    });
    expect(status).toBe(404);
    expect(body.error.code).toBe('conversation-not-found');
  });

  it('HighLevel’s words are never passed on', async () => {
    const { body } = await uploadAfter({ kind: 'answer', status: 422, body: { message: 'internal shard db-7 rejected field x' } });
    expect(body.error.code).toBe('highlevel-rejected');
    expect(JSON.stringify(body)).not.toContain('db-7');
  });
});

describe('a HighLevel answer of nearly a megabyte', () => {
  it('is read without holding the event loop: other requests are answered within a second meanwhile', async () => {
    // The words a pattern with `.*` between them backtracks over at each of their 47,000 places.
    const message = 'Conversation with id '.repeat(Math.floor((0.99 * 1024 * 1024) / 21));
    let last = performance.now();
    let longestGap = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 10);
    const answerTimes: number[] = [];
    let done = false;
    try {
      const upload = uploadAfter({ kind: 'answer', status: 500, body: { statusCode: 500, message } }).finally(() => (done = true));
      // Others ask meanwhile; each is answered (here: a preview link that is not one) at once.
      const others = (async () => {
        while (!done) {
          const started = performance.now();
          const answer = await fetch(`${stack.endpoint}?preview=not-a-link`);
          await answer.arrayBuffer();
          answerTimes.push(performance.now() - started);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      })();
      const { status, body } = await upload;
      await others;
      expect(status).toBe(502);
      expect(body.error.code).toBe('highlevel-unavailable');
    } finally {
      clearInterval(ticker);
    }
    expect(answerTimes.length).toBeGreaterThan(0);
    expect(Math.max(...answerTimes)).toBeLessThan(1000);
    expect(longestGap).toBeLessThan(1000);
  });

  it('a missing conversation is still recognised at the start of a long message, and not past its first 2 KB', () => {
    const context = { maxFileSize: MAX_FILE_SIZE, allowedTypes: DEFAULT_FILE_TYPES };
    const padding = 'x'.repeat(4096);
    expect(mapHighLevelError(500, { message: `Conversation with id c1 not found ${padding}` }, new Headers(), context).code).toBe('conversation-not-found');
    expect(mapHighLevelError(500, { message: [`Conversation with id c1`, 'not found', padding] }, new Headers(), context).code).toBe('conversation-not-found');
    expect(mapHighLevelError(500, { message: `Conversation with id ${padding} not found` }, new Headers(), context).code).toBe('highlevel-unavailable');
    expect(mapHighLevelError(500, { message: [padding, 'Conversation with id c1 not found'] }, new Headers(), context).code).toBe('highlevel-unavailable');
    // The first 2,048 characters, to the character: the words ending at the last one are read, one further are not.
    const endingAt = (length: number) => `Conversation with id ${'x'.repeat(length - 31)} not found`;
    expect(endingAt(2048)).toHaveLength(2048);
    expect(mapHighLevelError(500, { message: endingAt(2048) }, new Headers(), context).code).toBe('conversation-not-found');
    expect(mapHighLevelError(500, { message: [endingAt(2048)] }, new Headers(), context).code).toBe('conversation-not-found');
    expect(mapHighLevelError(500, { message: endingAt(2049) }, new Headers(), context).code).toBe('highlevel-unavailable');
    // Parts are joined with '; ', and a part that is not text is read as text (null as nothing).
    const first = 'Conversation with id c1';
    expect(mapHighLevelError(500, { message: [first, `${'x'.repeat(2048 - first.length - 2 - 10)} not found`] }, new Headers(), context).code).toBe('conversation-not-found');
    expect(mapHighLevelError(500, { message: [first, `${'x'.repeat(2048 - first.length - 2 - 9)} not found`] }, new Headers(), context).code).toBe('highlevel-unavailable');
    expect(mapHighLevelError(500, { message: [null, 7, first, 'not found'] }, new Headers(), context).code).toBe('conversation-not-found');
    expect(mapHighLevelError(500, { message: [null, endingAt(2048)] }, new Headers(), context).code).toBe('conversation-not-found');
  });

  it.each([
    ['another thing not found', 'The user with id u1 was not found anywhere'],
    ['not found before the words', 'Job not found. Conversation with id c1'],
    ['the words alone', 'Conversation with id c1 is archived'],
  ])('a 500 with %s is HighLevel unavailable, not a missing conversation', (_name, message) => {
    const context = { maxFileSize: MAX_FILE_SIZE, allowedTypes: DEFAULT_FILE_TYPES };
    expect(mapHighLevelError(500, { message }, new Headers(), context).code).toBe('highlevel-unavailable');
  });
});

describe('mapHighLevelError: bodies of any shape', () => {
  const context = { maxFileSize: MAX_FILE_SIZE, allowedTypes: DEFAULT_FILE_TYPES };
  it.each([null, undefined, 'Internal server error', 42, [], { statusCode: 500 }])('a 500 with body %j: highlevel-unavailable', (body) => {
    expect(mapHighLevelError(500, body, new Headers(), context).code).toBe('highlevel-unavailable');
  });
});

describe('retryAfterSeconds: how long the browser waits, held between 1 s and a minute', () => {
  const now = Date.parse('2026-11-26T12:00:00Z');
  const wait = (headers: Record<string, string>) => retryAfterSeconds(new Headers(headers), now);

  it.each([
    ['seconds', { 'retry-after': '12' }, 12],
    ['one second', { 'retry-after': '1' }, 1],
    ['zero (never less than a second)', { 'retry-after': '0' }, 1],
    ['a day (never more than a minute)', { 'retry-after': '86400' }, MAX_RETRY_AFTER_SECONDS],
    ['an HTTP date 30 s away', { 'retry-after': 'Thu, 26 Nov 2026 12:00:30 GMT' }, 30],
    ['an HTTP date in the past', { 'retry-after': 'Thu, 26 Nov 2026 11:00:00 GMT' }, 1],
    ['HighLevel’s interval alone', { 'x-ratelimit-interval-milliseconds': '4000' }, 4],
    ['HighLevel’s interval, rounded up', { 'x-ratelimit-interval-milliseconds': '2500' }, 3],
    ['nothing at all (HighLevel’s window, 10 s)', {}, 10],
    ['a blank Retry-After, with the interval', { 'retry-after': '   ', 'x-ratelimit-interval-milliseconds': '5000' }, 5],
    ['a Retry-After that is neither, with the interval', { 'retry-after': 'soon', 'x-ratelimit-interval-milliseconds': '6000' }, 6],
    ['a number in exponent form is not seconds', { 'retry-after': '1e2', 'x-ratelimit-interval-milliseconds': '6000' }, 6],
    ['an interval that is not a number', { 'x-ratelimit-interval-milliseconds': 'fast' }, 10],
  ] as [string, Record<string, string>, number][])('%s', (_, headers, seconds) => {
    expect(wait(headers)).toBe(seconds);
  });

  it('a date 2.5 s away is waited for 3 s (rounded up, never early)', () => {
    expect(retryAfterSeconds(new Headers({ 'retry-after': 'Thu, 26 Nov 2026 12:00:03 GMT' }), now + 500)).toBe(3);
  });
});
