import { describe, expect, it } from 'vitest';
import { wholeNumberOption } from './check-option.js';

describe('wholeNumberOption', () => {
  const option = (value: unknown) => wholeNumberOption('uploader', 'maxFiles', value, 10, 1, 100);

  it('takes the default for undefined and any whole number in range, the bounds too', () => {
    expect([option(undefined), option(1), option(42), option(100)]).toEqual([10, 1, 42, 100]);
  });

  it('refuses the rest, naming the option, its range and what it got (a string in quotes)', () => {
    expect(() => option(0)).toThrow(new TypeError('uploader: `maxFiles` must be a whole number from 1 to 100 (got 0).'));
    expect(() => option(101)).toThrow('(got 101)');
    expect(() => option(1.5)).toThrow('(got 1.5)');
    expect(() => option(Number.NaN)).toThrow('(got NaN)');
    expect(() => option('5')).toThrow('(got "5")');
    expect(() => option(null)).toThrow('(got null)');
  });
});
