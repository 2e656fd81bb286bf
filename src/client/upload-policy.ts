import type { QueryClient } from '@tanstack/query-core';
import { POLICY_PATH, type PolicyFileType, type UploadPolicy } from '../shared/wire.js';

/** The TanStack Query key of a BFF's policy: `[...POLICY_QUERY_KEY, endpoint]`. */
export const POLICY_QUERY_KEY = ['ghl-attachments', 'policy'] as const;

/** `/api/attachments?x=1` → `/api/attachments/config?x=1`: where the route answers its policy. */
export function policyUrl(endpoint: string): string {
  const cut = endpoint.search(/[?#]/);
  const path = cut < 0 ? endpoint : endpoint.slice(0, cut);
  const query = cut < 0 ? '' : endpoint.slice(cut).replace(/#.*$/, '');
  return `${path.replace(/\/+$/, '')}${POLICY_PATH}${query}`;
}

/**
 * The BFF's policy, asked once per endpoint and query client (`GET {endpoint}/config`), or
 * `null` when the route answers something else (a BFF that does not serve it: the widget's own
 * options then apply, as before). A request that gets no answer at all rejects, so that the next
 * widget mounted asks again. A plain GET with no header of ours: across origins it needs no
 * preflight, and an allowed origin reads the answer.
 */
export function loadPolicy(queryClient: QueryClient, endpoint: string, withCredentials: boolean): Promise<UploadPolicy | null> {
  return queryClient.fetchQuery({
    queryKey: [...POLICY_QUERY_KEY, endpoint],
    queryFn: async ({ signal }) => {
      const response = await fetch(policyUrl(endpoint), {
        signal,
        credentials: withCredentials ? 'include' : 'same-origin',
        headers: { Accept: 'application/json' },
      });
      return response.ok ? readPolicy(await response.json().catch(() => null)) : null;
    },
    staleTime: Infinity,
    gcTime: Infinity,
    retry: false,
  });
}

/** The policy of `endpoint` that `queryClient` holds, if it was asked and answered. */
export function cachedPolicy(queryClient: QueryClient, endpoint: string): UploadPolicy | null | undefined {
  return queryClient.getQueryData<UploadPolicy | null>([...POLICY_QUERY_KEY, endpoint]);
}

/** `body` as a policy, or `null` when it is not one (every field checked: it came over the wire). */
export function readPolicy(body: unknown): UploadPolicy | null {
  const policy = body as Partial<Record<keyof UploadPolicy, unknown>> | null;
  if (typeof policy !== 'object' || policy === null || !Array.isArray(policy.allowedTypes)) return null;
  const { maxFileSize, maxFilesPerRequest, sessionRequired } = policy;
  if (typeof maxFileSize !== 'number' || !(maxFileSize > 0)) return null;
  if (typeof maxFilesPerRequest !== 'number' || !(maxFilesPerRequest > 0) || typeof sessionRequired !== 'boolean') return null;
  const allowedTypes = policy.allowedTypes.map(readType);
  if (!allowedTypes.every((type): type is PolicyFileType => type !== null)) return null;
  return { allowedTypes, maxFileSize, maxFilesPerRequest, sessionRequired };
}

function readType(entry: unknown): PolicyFileType | null {
  const type = entry as Partial<Record<keyof PolicyFileType, unknown>> | null;
  if (typeof type?.id !== 'string' || !isStrings(type.extensions) || !isStrings(type.mimeTypes)) return null;
  return { id: type.id, extensions: type.extensions.map((ext) => ext.toLowerCase()), mimeTypes: type.mimeTypes };
}

const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');
