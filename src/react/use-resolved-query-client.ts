import type { QueryClient } from '@tanstack/react-query';
import { defaultQueryClient } from '../client/query-runtime.js';
import { useHostQueryClient } from './use-host-query-client.js';

/**
 * The query client uploads run in: the one passed in, else the host app's, else the one every
 * uploader of the page shares, so the widget works in an app that has never heard of TanStack
 * Query (and asks a BFF's policy once, whatever the number of widgets).
 */
export function useResolvedQueryClient(client?: QueryClient): QueryClient {
  return useHostQueryClient(client) ?? defaultQueryClient();
}
