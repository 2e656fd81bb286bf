/**
 * Who may hold the server's room, on its own: the two pools, the shares of one address and of
 * one location, the eviction of the oldest waiting stranger, promotion and release. The route's
 * tests (stranger-flood.test.ts) play the same rules over real sockets.
 */
import { describe, expect, it } from 'vitest';
import { isUploadError, type UploadError } from '../shared/upload-error.js';
import { Admission, type AdmissionLimits } from './admission.js';

const LIMITS: AdmissionLimits = { maxInFlight: 3, maxUnauthenticatedInFlight: 2, maxInFlightPerAddress: 4, maxUnauthenticatedPerAddress: 2, maxUploadsPerLocation: 2 };
const make = (limits: Partial<AdmissionLimits> = {}) => new Admission({ ...LIMITS, ...limits });

/** The error `take` throws, or `undefined` when it takes. */
function refusal(take: () => unknown): UploadError | undefined {
  try {
    take();
    return undefined;
  } catch (error) {
    if (!isUploadError(error)) throw error;
    return error;
  }
}

describe('a known caller', () => {
  it('takes a place of the large pool, of its address and of its location; release gives all back, once', () => {
    const admission = make();
    const ticket = admission.admitKnown('1.1.1.1', 'loc-a');
    expect(admission.inUse).toEqual({ known: 1, strangers: 0, addresses: 1 });
    ticket.release();
    ticket.release();
    expect(admission.inUse).toEqual({ known: 0, strangers: 0, addresses: 0 });
    // Given back once: the other tickets keep theirs.
    const [a, b] = [admission.admitKnown('1.1.1.1', 'loc-a'), admission.admitKnown('1.1.1.1', 'loc-a')];
    a.release();
    a.release();
    expect(admission.inUse).toEqual({ known: 1, strangers: 0, addresses: 1 });
    expect(refusal(() => admission.admitKnown('1.1.1.1', 'loc-a'))).toBeUndefined();
    expect(refusal(() => admission.admitKnown('1.1.1.1', 'loc-a'))?.code).toBe('rate-limited');
    b.release();
  });

  it('a full pool is 503 server-busy, and the refused request keeps nothing', () => {
    const admission = make();
    for (let i = 0; i < 3; i += 1) admission.admitKnown(`10.0.0.${i}`);
    const busy = refusal(() => admission.admitKnown('10.0.0.9'));
    expect(busy).toMatchObject({ code: 'server-busy', status: 503, retryAfter: 5 });
    expect(admission.inUse).toEqual({ known: 3, strangers: 0, addresses: 3 });
  });

  it('one location holds at most its share; another location, and none, are not held up by it', () => {
    const admission = make({ maxInFlight: 10 });
    admission.admitKnown('1.1.1.1', 'loc-a');
    admission.admitKnown('2.2.2.2', 'loc-a');
    expect(refusal(() => admission.admitKnown('3.3.3.3', 'loc-a'))).toMatchObject({ code: 'rate-limited', status: 429, retryAfter: 1 });
    expect(admission.inUse).toEqual({ known: 2, strangers: 0, addresses: 2 });
    expect(refusal(() => admission.admitKnown('3.3.3.3', 'loc-b'))).toBeUndefined();
    for (let i = 0; i < 5; i += 1) expect(refusal(() => admission.admitKnown(`4.4.4.${i}`))).toBeUndefined();
  });

  it('is never evicted, however many strangers come', () => {
    const admission = make();
    const known = admission.admitKnown('1.1.1.1', 'loc-a');
    for (let i = 0; i < 10; i += 1) admission.admitStranger(`9.9.9.${i}`);
    expect(known.evicted.aborted).toBe(false);
    // Known from the start, promoting changes nothing: it keeps its location's place too.
    known.promote();
    expect(admission.inUse).toMatchObject({ known: 1, addresses: 11 });
    admission.admitKnown('2.2.2.2', 'loc-a');
    expect(refusal(() => admission.admitKnown('3.3.3.3', 'loc-a'))?.code).toBe('rate-limited');
  });
});

describe('one address', () => {
  it('holds at most its share of both kinds together: 429, and nothing kept by the refused request', () => {
    const admission = make({ maxInFlight: 10, maxUploadsPerLocation: 10 });
    admission.admitStranger('1.1.1.1');
    admission.admitKnown('1.1.1.1');
    admission.admitKnown('1.1.1.1');
    admission.admitAddress('1.1.1.1');
    const limited = refusal(() => admission.admitKnown('1.1.1.1'));
    expect(limited).toMatchObject({ code: 'rate-limited', status: 429 });
    expect(refusal(() => admission.admitStranger('1.1.1.1'))?.code).toBe('rate-limited');
    expect(refusal(() => admission.admitAddress('1.1.1.1'))?.code).toBe('rate-limited');
    expect(admission.inUse).toEqual({ known: 2, strangers: 1, addresses: 1 });
    expect(refusal(() => admission.admitKnown('2.2.2.2'))).toBeUndefined();
  });

  it('holds at most its share of the strangers’ pool, and still gets known places', () => {
    const admission = make({ maxUnauthenticatedInFlight: 10 });
    admission.admitStranger('1.1.1.1');
    admission.admitStranger('1.1.1.1');
    expect(refusal(() => admission.admitStranger('1.1.1.1'))).toMatchObject({ code: 'rate-limited', status: 429 });
    expect(admission.inUse).toEqual({ known: 0, strangers: 2, addresses: 1 });
    expect(refusal(() => admission.admitKnown('1.1.1.1'))).toBeUndefined();
    expect(refusal(() => admission.admitStranger('2.2.2.2'))).toBeUndefined();
  });

  it('an unknown address has no share to run out of', () => {
    const admission = make({ maxInFlight: 10, maxUnauthenticatedInFlight: 10, maxUploadsPerLocation: 10 });
    for (let i = 0; i < 6; i += 1) {
      admission.admitKnown(undefined);
      admission.admitStranger(undefined);
      admission.admitAddress(undefined);
    }
    expect(admission.inUse).toEqual({ known: 6, strangers: 6, addresses: 0 });
  });

  it('a preview link takes only the address’s place: never evicted, nothing to prove or promote', () => {
    const admission = make();
    const ticket = admission.admitAddress('1.1.1.1');
    expect(admission.inUse).toEqual({ known: 0, strangers: 0, addresses: 1 });
    ticket.proven();
    ticket.promote();
    expect(ticket.evicted.aborted).toBe(false);
    expect(admission.inUse).toEqual({ known: 0, strangers: 0, addresses: 1 });
    ticket.release();
    expect(admission.inUse).toEqual({ known: 0, strangers: 0, addresses: 0 });
  });
});

describe('strangers', () => {
  it('a full strangers’ pool evicts the oldest stranger still waiting, who keeps its address’s place until it answers', () => {
    const admission = make({ maxUnauthenticatedPerAddress: 5 });
    const first = admission.admitStranger('1.1.1.1');
    const second = admission.admitStranger('2.2.2.2');
    const third = admission.admitStranger('3.3.3.3');
    expect([first.evicted.aborted, second.evicted.aborted, third.evicted.aborted]).toEqual([true, false, false]);
    expect(admission.inUse).toEqual({ known: 0, strangers: 2, addresses: 3 });
    first.release();
    expect(admission.inUse).toEqual({ known: 0, strangers: 2, addresses: 2 });
    // Released, the evicted one gives back no pool place a second time.
    admission.admitStranger('4.4.4.4');
    expect([second.evicted.aborted, third.evicted.aborted]).toEqual([true, false]);
    expect(admission.inUse).toEqual({ known: 0, strangers: 2, addresses: 3 });
  });

  it('one that has proven itself is not evicted; with none left waiting, the newcomer is told 503', () => {
    const admission = make();
    const first = admission.admitStranger('1.1.1.1');
    const second = admission.admitStranger('2.2.2.2');
    first.proven();
    const third = admission.admitStranger('3.3.3.3');
    expect([first.evicted.aborted, second.evicted.aborted]).toEqual([false, true]);
    third.proven();
    expect(refusal(() => admission.admitStranger('4.4.4.4'))).toMatchObject({ code: 'server-busy', status: 503 });
    expect(admission.inUse).toEqual({ known: 0, strangers: 2, addresses: 3 });
  });

  it('a released stranger is no longer waiting: it cannot be evicted for a newcomer', () => {
    const admission = make();
    const gone = admission.admitStranger('1.1.1.1');
    gone.release();
    const second = admission.admitStranger('2.2.2.2');
    admission.admitStranger('3.3.3.3');
    expect(refusal(() => admission.admitStranger('4.4.4.4'))).toBeUndefined();
    expect([gone.evicted.aborted, second.evicted.aborted]).toEqual([false, true]);
  });

  it('promoted, moves to the large pool: its strangers’ places are free, its address’s stays, once', () => {
    const admission = make({ maxUnauthenticatedPerAddress: 1 });
    const ticket = admission.admitStranger('1.1.1.1');
    expect(refusal(() => admission.admitStranger('1.1.1.1'))?.code).toBe('rate-limited');
    ticket.promote();
    expect(admission.inUse).toEqual({ known: 1, strangers: 0, addresses: 1 });
    ticket.promote();
    expect(admission.inUse).toEqual({ known: 1, strangers: 0, addresses: 1 });
    // The address's strangers' share is free again, and the promoted one is evicted by no one.
    const next = admission.admitStranger('1.1.1.1');
    admission.admitStranger('2.2.2.2');
    admission.admitStranger('3.3.3.3');
    expect(ticket.evicted.aborted).toBe(false);
    expect(next.evicted.aborted).toBe(true);
    ticket.release();
    next.release();
    expect(admission.inUse).toEqual({ known: 0, strangers: 2, addresses: 2 });
  });

  it('promoted into a full large pool: 503, still a stranger, and release gives back what it holds', () => {
    const admission = make({ maxInFlight: 1 });
    admission.admitKnown('9.9.9.9');
    const ticket = admission.admitStranger('1.1.1.1');
    expect(refusal(() => ticket.promote())).toMatchObject({ code: 'server-busy', status: 503 });
    expect(admission.inUse).toEqual({ known: 1, strangers: 1, addresses: 2 });
    ticket.release();
    expect(admission.inUse).toEqual({ known: 1, strangers: 0, addresses: 1 });
  });

  it('evicted, is not promoted: it is answered 503 and its place went to the newcomer', () => {
    const admission = make({ maxUnauthenticatedInFlight: 1 });
    const old = admission.admitStranger('1.1.1.1');
    admission.admitStranger('2.2.2.2');
    old.promote();
    expect(admission.inUse).toEqual({ known: 0, strangers: 1, addresses: 2 });
    old.release();
    expect(admission.inUse).toEqual({ known: 0, strangers: 1, addresses: 1 });
  });

  it('a stranger refused by its address’s share takes nothing and evicts no one', () => {
    const admission = make({ maxUnauthenticatedPerAddress: 1 });
    const first = admission.admitStranger('1.1.1.1');
    const other = admission.admitStranger('2.2.2.2');
    expect(refusal(() => admission.admitStranger('1.1.1.1'))?.code).toBe('rate-limited');
    expect([first.evicted.aborted, other.evicted.aborted]).toEqual([false, false]);
    expect(admission.inUse).toEqual({ known: 0, strangers: 2, addresses: 2 });
  });
});
