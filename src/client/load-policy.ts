// Loaded with an uploader's first ask for a policy: a page paints without it. It imports nothing
// of ours at run time, or what it shares with the widget would be split into a chunk of its own
// loaded up front.
import type { QueryClient } from '@tanstack/query-core';
import type { PolicyFileType, UploadPolicy } from '../shared/wire.js';

export { narrowRules } from './narrow-rules.js';

/**
 * The BFF's policy, asked once per endpoint and query client (`GET {endpoint}/config`, at
 * `url`), or `null` when the route answers something else (a BFF that does not serve it: the
 * widget's own options then apply, as before). A request that gets no answer at all rejects, so
 * that the next uploader made asks again. A plain GET with no header of ours: across origins it
 * needs no preflight, and an allowed origin reads the answer.
 */
export function loadPolicy(
  queryClient: QueryClient,
  queryKey: readonly unknown[],
  url: string,
  withCredentials: boolean,
): Promise<UploadPolicy | null> {
  return queryClient.fetchQuery({
    queryKey,
    queryFn: async ({ signal }) => {
      const response = await fetch(url, { signal, credentials: withCredentials ? 'include' : 'same-origin', headers: { Accept: 'application/json' } });
      // Stryker disable next-line ArrowFunction: a body that is no JSON reads as no policy, whether null or undefined
      return response.ok ? readPolicy(await response.json().catch(() => null)) : null;
    },
    staleTime: Infinity,
    gcTime: Infinity,
    retry: false,
  });
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
