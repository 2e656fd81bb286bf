import { uploadError } from '../shared/upload-error.js';
import { POLICY_PATH, type UploadPolicy } from '../shared/wire.js';
import { jsonResponse } from './error-response.js';
import type { ResolvedOptions } from './options.js';
import { PREVIEW_PARAM } from './preview-link.js';

/** What the policy answer reads of the options: the file rules, SSO, and who may read it. */
export type PolicyOptions = Pick<ResolvedOptions, 'allowedTypes' | 'maxFileSize' | 'maxFilesPerRequest' | 'sso' | 'allowedOrigins'>;

/**
 * Whether a GET asks for the policy: its `path` (trailing slashes already trimmed, in one pass)
 * ends in `/config`, wherever the route is mounted. A preview link (`?preview=`) is never one,
 * even on a route mounted at a path ending so.
 */
export function isPolicyRequest(request: Request, path: string): boolean {
  return path.endsWith(POLICY_PATH) && !new URL(request.url).searchParams.has(PREVIEW_PARAM);
}

/**
 * `GET {route}/config`: the rules every upload is held to — allowed types (ids, extensions,
 * MIME types), the size limit, files per request, and whether a session is needed — so that the
 * widget refuses at drop time what this server would refuse after the upload. Nothing secret:
 * no caller check beyond the one every GET gets (pages of other sites are refused unless the
 * operator allowed other origins; CORS headers go to allowed origins only).
 */
export function policyRoute(request: Request, options: PolicyOptions): Response {
  if (options.allowedOrigins.size === 0 && request.headers.get('sec-fetch-site') === 'cross-site') throw uploadError('forbidden-origin');
  const policy: UploadPolicy = {
    allowedTypes: options.allowedTypes.map(({ id, extensions, mimeTypes }) => ({ id, extensions: [...extensions], mimeTypes: [...mimeTypes] })),
    maxFileSize: options.maxFileSize,
    maxFilesPerRequest: options.maxFilesPerRequest,
    sessionRequired: options.sso !== undefined,
  };
  return jsonResponse(200, policy);
}
