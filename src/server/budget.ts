import { uploadError } from '../shared/upload-error.js';

/** Seconds a client is asked to wait when the server is out of room. */
export const BUSY_RETRY_AFTER_SECONDS = 5;

/**
 * A bounded resource shared by every request of one handler (bytes held in read-ahead, uploads
 * in flight). Taking past the limit fails at once instead of queueing: a queue would be one
 * more thing a flood of slow clients could grow.
 */
export class Budget {
  private taken = 0;

  constructor(readonly limit: number) {}

  /** A lease that takes from this budget and gives everything back at once when done. */
  /** How much is taken now. */
  get used(): number {
    return this.taken;
  }

  lease(): Lease {
    return new Lease(this);
  }

  /** @internal Takes `amount`, or throws 503 `server-busy` when that would pass the limit. */
  take(amount: number): void {
    if (this.taken + amount > this.limit) {
      throw uploadError('server-busy', { values: { seconds: BUSY_RETRY_AFTER_SECONDS }, details: { retryAfter: BUSY_RETRY_AFTER_SECONDS } });
    }
    this.taken += amount;
  }

  /** @internal */
  give(amount: number): void {
    this.taken = Math.max(0, this.taken - amount);
  }
}

/** One request's share of a {@link Budget}. */
export class Lease {
  private held = 0;

  constructor(private readonly budget: Budget) {}

  take(amount: number): void {
    this.budget.take(amount);
    this.held += amount;
  }

  give(amount: number): void {
    const given = Math.min(amount, this.held);
    this.held -= given;
    this.budget.give(given);
  }

  /** Gives back all this lease holds; safe to call more than once. */
  release(): void {
    this.give(this.held);
  }
}
