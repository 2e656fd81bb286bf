import { uploadError } from '../shared/upload-error.js';

/**
 * Requests in flight per key (a client address), at most `limit` each: past it, 429
 * `rate-limited` at once. A key exists only while it has a request in flight, so the map holds
 * no more entries than there are requests being served.
 */
export class InFlightPerKey {
  private readonly counts = new Map<string, number>();

  constructor(readonly limit: number, private readonly retryAfterSeconds = 1) {}

  /** Takes a place for `key` (nothing when `key` is `undefined`), and returns what gives it back once. */
  take(key: string | undefined): () => void {
    if (key === undefined) return noop;
    const count = this.counts.get(key) ?? 0;
    if (count >= this.limit) {
      throw uploadError('rate-limited', { values: { seconds: this.retryAfterSeconds }, details: { retryAfter: this.retryAfterSeconds } });
    }
    this.counts.set(key, count + 1);
    let given = false;
    return () => {
      if (given) return;
      given = true;
      const left = (this.counts.get(key) ?? 1) - 1;
      if (left <= 0) this.counts.delete(key);
      else this.counts.set(key, left);
    };
  }

  /** @internal For tests: the keys with a request in flight. */
  get size(): number {
    return this.counts.size;
  }
}

/**
 * At most `max` events per key in each fixed window of `intervalMs` (sign-ins per address,
 * install callbacks per address): past it, 429 `rate-limited` with the seconds until the window
 * ends. Per process, and bounded: at most `maxKeys` keys are remembered, the oldest windows
 * forgotten first, so that a stranger with many addresses costs a fixed amount of memory.
 */
export class RateWindow {
  private readonly windows = new Map<string, { startedAt: number; count: number }>();

  constructor(
    readonly max: number,
    readonly intervalMs: number,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one event for `key` (nothing when `key` is `undefined`), or throws 429 past the limit. */
  hit(key: string | undefined): void {
    if (key === undefined) return;
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now - window.startedAt >= this.intervalMs) {
      this.windows.delete(key);
      window = { startedAt: now, count: 0 };
      // A Map keeps insertion order: the first key is the oldest window.
      while (this.windows.size >= this.maxKeys) this.windows.delete(this.windows.keys().next().value!);
      this.windows.set(key, window);
    }
    if (window.count >= this.max) {
      const seconds = Math.max(1, Math.ceil((window.startedAt + this.intervalMs - now) / 1000));
      throw uploadError('rate-limited', { values: { seconds }, details: { retryAfter: seconds } });
    }
    window.count += 1;
  }

  /** @internal For tests: the keys remembered. */
  get size(): number {
    return this.windows.size;
  }
}

function noop(): void {}
