import { QueryClientContext, type QueryClient } from '@tanstack/react-query';
import { useContext } from 'react';

/**
 * The query client passed in, else the host app's, else none: the uploader then runs in the
 * page's shared one, loaded with the first upload so that the widget paints without it. (Only
 * the context is read here: a static import of the client itself would put it in the first paint.)
 */
export function useHostQueryClient(client?: QueryClient): QueryClient | undefined {
  const hostClient = useContext(QueryClientContext);
  return client ?? hostClient;
}
