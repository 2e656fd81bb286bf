import { describe, expect, it } from 'vitest';
import { BUSY_RETRY_AFTER_SECONDS, Budget } from './budget.js';

/**
 * The bound shared by every request of one handler (read-ahead bytes, uploads in flight): what
 * one request gives back is exactly what it held, so that the limit keeps meaning what it says
 * under any mix of requests.
 */
describe('Budget and its leases', () => {
  it('refuses past the limit with 503 server-busy and a wait, and takes nothing then', () => {
    const budget = new Budget(100);
    budget.lease().take(100);
    const refused = (() => {
      try {
        budget.lease().take(1);
      } catch (error) {
        return error;
      }
    })();
    expect(refused).toMatchObject({ code: 'server-busy', status: 503, retryAfter: BUSY_RETRY_AFTER_SECONDS });
    expect((refused as Error).message).toContain(`${BUSY_RETRY_AFTER_SECONDS} s`);
  });

  it('a request that gives back part of what it holds, then the rest, frees exactly what it took', () => {
    const budget = new Budget(100);
    const a = budget.lease();
    a.take(60);
    a.give(30);
    const b = budget.lease();
    b.take(70);
    a.release();
    // 70 in use (b's): 30 left, not one byte more.
    const c = budget.lease();
    expect(() => c.take(31)).toThrow();
    c.take(30);
  });

  it('giving back more than a lease holds frees only what it holds', () => {
    const budget = new Budget(100);
    const a = budget.lease();
    a.take(10);
    budget.lease().take(50);
    a.give(50);
    // 50 in use: 50 left.
    const c = budget.lease();
    expect(() => c.take(51)).toThrow();
    c.take(50);
  });

  it('release is safe to call twice', () => {
    const budget = new Budget(10);
    const a = budget.lease();
    a.take(10);
    a.release();
    a.release();
    budget.lease().take(10);
    expect(() => budget.lease().take(1)).toThrow();
  });
});
