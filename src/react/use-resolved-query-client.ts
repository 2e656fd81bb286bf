import { QueryClient, QueryClientContext } from '@tanstack/react-query';
import { useContext } from 'react';

let ownClient: QueryClient | undefined;

/**
 * The query client uploads run in: the one passed in, else the host app's, else one of our own,
 * so the widget works in an app that has never heard of TanStack Query.
 */
export function useResolvedQueryClient(client?: QueryClient): QueryClient {
  const hostClient = useContext(QueryClientContext);
  if (client) return client;
  if (hostClient) return hostClient;
  ownClient ??= new QueryClient();
  return ownClient;
}
