import type { QueryClient } from '@tanstack/query-core';
import { POLICY_PATH, type UploadPolicy } from '../shared/wire.js';

/** The TanStack Query key of a BFF's policy: `[...POLICY_QUERY_KEY, endpoint]`. */
export const POLICY_QUERY_KEY = ['ghl-attachments', 'policy'] as const;

/** `/api/attachments?x=1` → `/api/attachments/config?x=1`: where the route answers its policy. */
export function policyUrl(endpoint: string): string {
  const cut = endpoint.search(/[?#]/);
  const path = cut < 0 ? endpoint : endpoint.slice(0, cut);
  // Stryker disable next-line Regex: a URL holds no line break, so `#.*` runs to its end with or without `$`
  const query = cut < 0 ? '' : endpoint.slice(cut).replace(/#.*$/, '');
  return `${path.replace(/\/+$/, '')}${POLICY_PATH}${query}`;
}

/** The policy of `endpoint` that `queryClient` holds, if it was asked and answered. */
export function cachedPolicy(queryClient: QueryClient, endpoint: string): UploadPolicy | null | undefined {
  return queryClient.getQueryData<UploadPolicy | null>([...POLICY_QUERY_KEY, endpoint]);
}
