import { MAX_TIMER_MS, wholeNumberOption } from '../shared/check-option.js';

const OWNER = 'createMockHighLevel';
/** HighLevel's published limits: 100 requests per 10 s and 200,000 a day, per location. */
export interface RateLimits {
  /** Requests per interval. Default: 100. */
  max?: number;
  /** Interval in milliseconds. Default: 10,000. */
  intervalMs?: number;
  /** Requests per day. Default: 200,000. */
  daily?: number;
}

export interface RateDecision {
  allowed: boolean;
  /** The `X-RateLimit-*` headers HighLevel sends on every answer. */
  headers: Record<string, string>;
  /** Seconds until the interval frees a slot, when refused. */
  retryAfter: number;
}

/** Fixed-window counters per location, as HighLevel's headers describe them. */
export class RateLimiter {
  private readonly max: number;
  private readonly intervalMs: number;
  private readonly daily: number;
  private readonly windows = new Map<string, { start: number; count: number; dayStart: number; dayCount: number }>();

  constructor(limits: RateLimits = {}, private readonly now: () => number = Date.now) {
    this.max = wholeNumberOption(OWNER, 'rateLimits.max', limits.max, 100, 1, Number.MAX_SAFE_INTEGER);
    this.intervalMs = wholeNumberOption(OWNER, 'rateLimits.intervalMs', limits.intervalMs, 10_000, 1, MAX_TIMER_MS);
    this.daily = wholeNumberOption(OWNER, 'rateLimits.daily', limits.daily, 200_000, 1, Number.MAX_SAFE_INTEGER);
  }

  /** Counts one request for `key` and says whether it is within the limits. */
  take(key: string): RateDecision {
    const now = this.now();
    let window = this.windows.get(key);
    if (!window) {
      window = { start: now, count: 0, dayStart: now, dayCount: 0 };
      this.windows.set(key, window);
    }
    if (now - window.start >= this.intervalMs) Object.assign(window, { start: now, count: 0 });
    if (now - window.dayStart >= 86_400_000) Object.assign(window, { dayStart: now, dayCount: 0 });
    const allowed = window.count < this.max && window.dayCount < this.daily;
    if (allowed) {
      window.count += 1;
      window.dayCount += 1;
    }
    return {
      allowed,
      retryAfter: Math.max(1, Math.ceil((window.start + this.intervalMs - now) / 1000)),
      headers: {
        'X-RateLimit-Limit-Daily': String(this.daily),
        'X-RateLimit-Daily-Remaining': String(this.daily - window.dayCount),
        'X-RateLimit-Interval-Milliseconds': String(this.intervalMs),
        'X-RateLimit-Max': String(this.max),
        'X-RateLimit-Remaining': String(this.max - window.count),
      },
    };
  }
}
