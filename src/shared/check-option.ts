/** The longest interval a Node timer takes; past it Node fires after 1 ms instead. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * A whole-number option, checked where options are resolved: `undefined` is the default, and
 * anything outside `min`…`max` (a fraction, `NaN`, `Infinity`, a string) throws a TypeError that
 * names the option and its range, so that nonsense fails at start-up, not on the first request.
 */
export function wholeNumberOption(owner: string, name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`${owner}: \`${name}\` must be a whole number from ${min} to ${max} (got ${describe(value)}).`);
  }
  return value;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
