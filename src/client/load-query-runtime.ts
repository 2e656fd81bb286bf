import type * as QueryRuntime from './query-runtime.js';

let runtime: Promise<typeof QueryRuntime> | undefined;

/**
 * TanStack Query's client and mutation observer, loaded on first need. A failed load (offline)
 * is tried again by the next upload; until then it fails as the lost connection it is.
 */
export function loadQueryRuntime(): Promise<typeof QueryRuntime> {
  runtime ??= import('./query-runtime.js');
  runtime.catch(() => (runtime = undefined));
  return runtime;
}
