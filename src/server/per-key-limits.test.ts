import { describe, expect, it } from 'vitest';
import { UploadError } from '../shared/upload-error.js';
import { InFlightPerKey, RateWindow } from './per-key-limits.js';

function refusal(run: () => void): UploadError | undefined {
  try {
    run();
  } catch (error) {
    if (error instanceof UploadError) return error;
    throw error;
  }
  return undefined;
}

describe('InFlightPerKey', () => {
  it('refuses a key past its limit with 429, leaves other keys alone, and forgets a key with nothing in flight', () => {
    const limits = new InFlightPerKey(2);
    const first = limits.take('a');
    limits.take('a');
    expect(refusal(() => limits.take('a'))).toMatchObject({ code: 'rate-limited', status: 429, retryAfter: 1 });
    expect(refusal(() => limits.take('b'))).toBeUndefined();
    first();
    first(); // twice gives back once
    expect(refusal(() => limits.take('a'))).toBeUndefined();
    expect(refusal(() => limits.take('a'))).toMatchObject({ code: 'rate-limited' });
    expect(limits.size).toBe(2);
  });

  it('does not count a request whose address is unknown', () => {
    const limits = new InFlightPerKey(1);
    for (let i = 0; i < 5; i += 1) limits.take(undefined);
    expect(limits.size).toBe(0);
  });

  it('drops a key once its last request is done', () => {
    const limits = new InFlightPerKey(3);
    const done = limits.take('a');
    done();
    expect(limits.size).toBe(0);
  });
});

describe('RateWindow', () => {
  it('lets max events through per window, then answers 429 with the seconds left, then opens again', () => {
    let now = 1_000;
    const window = new RateWindow(2, 10_000, 100, () => now);
    window.hit('a');
    window.hit('a');
    now += 2_500;
    expect(refusal(() => window.hit('a'))).toMatchObject({ code: 'rate-limited', retryAfter: 8 });
    expect(refusal(() => window.hit('b'))).toBeUndefined();
    now += 7_500;
    expect(refusal(() => window.hit('a'))).toBeUndefined();
  });

  it('remembers at most maxKeys keys, forgetting the oldest first', () => {
    const window = new RateWindow(1, 60_000, 3);
    for (const key of ['a', 'b', 'c', 'd']) window.hit(key);
    expect(window.size).toBe(3);
    // 'a' was forgotten, so it may go again; 'd' may not.
    expect(refusal(() => window.hit('a'))).toBeUndefined();
    expect(refusal(() => window.hit('d'))).toMatchObject({ code: 'rate-limited' });
  });

  it('ignores an unknown address', () => {
    const window = new RateWindow(1, 60_000);
    window.hit(undefined);
    window.hit(undefined);
    expect(window.size).toBe(0);
  });
});
