// TanStack Query's client and mutation observer, loaded with the first upload or policy ask:
// they are most of query-core, and a page paints the widget long before a file is chosen.
import { MutationObserver, QueryClient, onlineManager } from '@tanstack/query-core';

export { MutationObserver, onlineManager };

let sharedClient: QueryClient | undefined;

/** The query client of uploaders given none: one per page, so the BFF's policy is asked once. */
export function defaultQueryClient(): QueryClient {
  sharedClient ??= new QueryClient();
  return sharedClient;
}
