/** How fast a client writes and how it leaves. */
import fc from 'fast-check';
import { fraction } from './draws.js';
import type { Then } from './fuzz-case.js';

/** Pacing of a slow client: where it stops, in how many writes, the pauses between them (700 ms in all at most), then what it does. */
export const slowArbitrary = fc.record({
  stop: fc.constantFrom('complete', 'mid-head', 'mid-body'),
  at: fraction,
  pieces: fc.integer({ min: 3, max: 10 }),
  pausesMs: fc.array(fc.integer({ min: 20, max: 200 }), { minLength: 9, maxLength: 9 }),
  then: fc.constantFrom<Then>('wait', 'wait', 'destroy', 'half-close'),
});

/** A client that leaves: after all its bytes (`cut` undefined) or a part, after a pause or none, by a reset or a FIN. */
export const leaveArbitrary = fc.record({
  cut: fc.option(fraction, { nil: undefined, freq: 2 }),
  pauseMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })),
  then: fc.oneof({ weight: 7, arbitrary: fc.constant<Then>('destroy') }, { weight: 3, arbitrary: fc.constant<Then>('half-close') }),
});
