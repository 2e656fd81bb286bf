import { QueryClientContext, type QueryClient } from '@tanstack/react-query';
import { useContext } from 'react';
import { defaultQueryClient } from '../client/uploader.js';

/**
 * The query client uploads run in: the one passed in, else the host app's, else the one every
 * uploader of the page shares, so the widget works in an app that has never heard of TanStack
 * Query (and asks a BFF's policy once, whatever the number of widgets).
 */
export function useResolvedQueryClient(client?: QueryClient): QueryClient {
  const hostClient = useContext(QueryClientContext);
  return client ?? hostClient ?? defaultQueryClient();
}
