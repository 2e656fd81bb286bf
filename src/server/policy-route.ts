import { uploadError } from '../shared/upload-error.js';
import { POLICY_PATH, type UploadPolicy } from '../shared/wire.js';
import { jsonResponse } from './error-response.js';
import type { Callers, Limits, Origins } from './resolve-options.js';
import { PREVIEW_PARAM } from './preview-link.js';

/** What the policy answer reads of the options: the file rules, SSO, and who may read it. */
export interface PolicyOptions {
  limits: Pick<Limits, 'allowedTypes' | 'maxFileSize' | 'maxFilesPerRequest'>;
  callers: Pick<Callers, 'sso'>;
  origins: Pick<Origins, 'allowedOrigins'>;
}

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
export function policyRoute(request: Request, { limits, callers, origins }: PolicyOptions): Response {
  if (origins.allowedOrigins.size === 0 && request.headers.get('sec-fetch-site') === 'cross-site') throw uploadError('forbidden-origin');
  const policy: UploadPolicy = {
    allowedTypes: limits.allowedTypes.map(({ id, extensions, mimeTypes }) => ({ id, extensions: [...extensions], mimeTypes: [...mimeTypes] })),
    maxFileSize: limits.maxFileSize,
    maxFilesPerRequest: limits.maxFilesPerRequest,
    sessionRequired: callers.sso !== undefined,
  };
  return jsonResponse(200, policy);
}
