import { uploadError } from '../shared/upload-error.js';
import type { UploadResponseBody, UploadedFile } from '../shared/wire.js';
import { INSTALL_CALLBACK_PATH, installRoute } from './auth/install-route.js';
import { openSession, resolveCaller } from './auth/session.js';
import { checkRequest } from './check-request.js';
import { ownOrigin, preflight, withCors } from './cors.js';
import { errorResponse, jsonResponse } from './error-response.js';
import { forwardUpload, type ForwardedUpload } from './forward-upload.js';
import { resolveOptions, type ResolvedOptions, type UploadHandlerOptions } from './options.js';
import { isPolicyRequest, policyRoute } from './policy-route.js';
import { PREVIEW_PARAM, signPreview } from './preview-link.js';
import { isPreviewable, proxyPreview } from './proxy-preview.js';

/** A Web-standard request handler: Next.js route handlers, Hono, any server that speaks `Request`. */
export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * The route: call it with any request, or take its methods for a file-based router
 * (`export const { GET, POST, OPTIONS } = createUploadHandler(...)` in a Next.js route file).
 */
export interface UploadHandler extends FetchHandler {
  GET: FetchHandler;
  POST: FetchHandler;
  OPTIONS: FetchHandler;
}

/**
 * Creates the BFF route. `POST` takes `multipart/form-data` with a `conversationId` field and one
 * or more `file` parts, checks it, streams the files to HighLevel with the server's token and
 * answers `{ files: [{ name, url, previewUrl, mimeType, size, kind }] }`, or
 * `{ error: { code, message } }` with the status of the code. `GET ?preview=` streams a stored
 * file back through a signed preview link; `OPTIONS` answers CORS preflights of allowed origins.
 *
 * Throws at once when `authorize` is missing: who may use the token is always a decision.
 */
export function createUploadHandler(options: UploadHandlerOptions): UploadHandler {
  const resolved = resolveOptions(options);
  const handler: FetchHandler = async (request) => {
    if (request.method === 'OPTIONS') {
      // A refused preflight carries no CORS header at all: the browser then sends nothing.
      try {
        return preflight(request, resolved);
      } catch (error) {
        return withVary(errorResponse(error, resolved.logger));
      }
    }
    let response: Response;
    try {
      response = await route(request, resolved);
    } catch (error) {
      response = errorResponse(error, resolved.logger);
    }
    return withCors(response, request, resolved);
  };
  // The methods are the same handler: a router that calls POST for a POST gets the same checks.
  return Object.assign(handler, { GET: handler, POST: handler, OPTIONS: handler });
}

function withVary(response: Response): Response {
  response.headers.set('Vary', 'Origin');
  return response;
}

/** The path under the route where a custom page signs in with HighLevel's SSO. */
export const SESSION_PATH = '/session';

async function route(request: Request, options: ResolvedOptions): Promise<Response> {
  // The route's own paths are told apart by their end, wherever the route is mounted.
  const path = new URL(request.url).pathname.replace(/\/+$/, '');
  if (path.endsWith(INSTALL_CALLBACK_PATH) && options.install) {
    if (request.method !== 'GET') throw uploadError('method-not-allowed');
    return installRoute(request, options);
  }
  if (path.endsWith(SESSION_PATH) && options.sso) {
    if (request.method !== 'POST') throw uploadError('method-not-allowed');
    return openSession(request, options);
  }
  if (request.method === 'GET' && isPolicyRequest(request)) return policyRoute(request, options);
  if (request.method === 'GET') return proxyPreview(request, options);
  if (request.method !== 'POST') throw uploadError('method-not-allowed');
  checkRequest(request, options);
  // Who is asking, before a byte of the body is read: with SSO, no session is 401 here.
  const caller = await resolveCaller(request, options);
  const started = Date.now();
  // Counted before a byte is read: past the limit, the client hears 503 at once.
  const slot = options.uploadsInFlight.lease();
  slot.take(1);
  try {
    const upload = await forwardUpload(request, options, caller);
    options.logger.info?.('uploaded', {
      files: upload.files.length,
      bytes: upload.files.reduce((sum, file) => sum + file.size, 0),
      ms: Date.now() - started,
    });
    const body: UploadResponseBody = { files: withPreviewLinks(upload, request, options) };
    return jsonResponse(200, body);
  } finally {
    slot.release();
  }
}

/** Each file with a signed link to read it back through this route, where the server can read it. */
function withPreviewLinks(upload: ForwardedUpload, request: Request, options: ResolvedOptions): UploadedFile[] {
  const route = `${ownOrigin(request, options)}${new URL(request.url).pathname}`;
  const expiresAt = Math.floor(Date.now() / 1000) + options.previewTtlSeconds;
  return upload.files.map((file) => {
    if (!isPreviewable(file.url, options)) return file;
    const handle = signPreview(
      { url: file.url, locationId: upload.locationId, conversationId: upload.conversationId, expiresAt },
      options.previewSecret,
    );
    return { ...file, previewUrl: `${route}?${PREVIEW_PARAM}=${handle}` };
  });
}
