/** Small draws the other arbitraries are made of. */
import fc from 'fast-check';
import type { Rng } from './tape.js';

/** Token characters (RFC 9110 tchar), for methods, handles and keys made up. */
export const TCHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+-.^_`|~";

export function randomToken(rng: Rng, length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += TCHARS[rng.int(TCHARS.length)];
  return out;
}

export const token = (minLength: number, maxLength: number) => fc.string({ unit: fc.constantFrom(...TCHARS), minLength, maxLength });

/** A fraction in [0, 1): where in the bytes a client stops; shrinks toward the start. */
export const fraction = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

/** `value` in `percent` of cases, else `otherwise`, to which it shrinks. */
export const sometimes = <T>(percent: number, value: fc.Arbitrary<T>, otherwise: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ withCrossShrink: true }, { weight: 100 - percent, arbitrary: otherwise }, { weight: percent, arbitrary: value });

