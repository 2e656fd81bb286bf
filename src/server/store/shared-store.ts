/**
 * The state every instance of the BFF must agree on: OAuth tokens per location, the lock that
 * lets exactly one instance refresh them, and the window of requests sent to HighLevel per
 * location. One small interface with two implementations: `memoryStore()` for one process, and
 * `redisStore()` for several behind a load balancer. Both pass the same test suite.
 *
 * Every method may throw `UploadError('store-unavailable')` (503): the store could not be
 * reached in time. Callers fail the request with that code; nothing waits on a store forever.
 */
export interface SharedStore {
  /** The value at `key`, or `undefined`. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` at `key`: for `ttlMs` when given (it is then gone), else with no expiry. */
  set(key: string, value: string, ttlMs?: number): Promise<void>;
  /** Removes `key`. */
  delete(key: string): Promise<void>;
  /**
   * Takes the lock `key` for `ttlMs` if nobody holds it. Returns the owner id to release it with,
   * or `undefined` when another holder has it. The lock frees itself after `ttlMs`, so that a
   * holder that died does not block the others for good.
   */
  tryLock(key: string, ttlMs: number): Promise<string | undefined>;
  /** Releases the lock `key` if `owner` still holds it (an expired lock taken by another is left alone). */
  unlock(key: string, owner: string): Promise<void>;
  /**
   * Reserves a moment for one more event under `key` such that no window of `intervalMs` holds
   * more than `max` of them: now when there is room, else the earliest moment there will be,
   * in the order reservations were asked for. When that moment is more than `maxWaitMs` away,
   * nothing is reserved and `granted` is `false`.
   */
  reserveSlot(key: string, limits: SlotLimits): Promise<SlotReservation>;
  /** Lets go of connections and timers. */
  close(): Promise<void>;
}

/** The limit {@link SharedStore.reserveSlot} keeps to. */
export interface SlotLimits {
  max: number;
  intervalMs: number;
  maxWaitMs: number;
}

/** The answer of {@link SharedStore.reserveSlot}. */
export interface SlotReservation {
  /** Whether a moment was reserved. */
  granted: boolean;
  /** How long until the reserved moment (or, when not granted, until the earliest free one), in ms. */
  waitMs: number;
}
