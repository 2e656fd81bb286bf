import { lazyImport } from './lazy-import.js';
import type * as QueryRuntime from './query-runtime.js';

/**
 * TanStack Query's client and mutation observer, loaded on first need. A failed load (offline)
 * is tried again by the next upload; until then it fails as the lost connection it is.
 */
export const loadQueryRuntime: () => Promise<typeof QueryRuntime> = lazyImport(
  () => import('./query-runtime.js'),
  'defaultQueryClient',
);
