import { uploadError } from '../shared/upload-error.js';
import type { UploadResponseBody, UploadedFile } from '../shared/wire.js';
import { INSTALL_CALLBACK_PATH, installRoute } from './auth/install-route.js';
import { openSession, resolveCaller } from './auth/session.js';
import type { Ticket } from './admission.js';
import { checkRequest } from './check-request.js';
import { clientAddressOf } from './client-address.js';
import { ownOrigin, preflight, withCors } from './cors.js';
import { errorResponse, jsonResponse } from './error-response.js';
import { forwardUpload, type ForwardedUpload } from './forward-upload.js';
import type { UploadHandlerOptions } from './options.js';
import { resolveOptions, type Callers, type Origins, type Previews, type ResolvedOptions } from './resolve-options.js';
import { isPolicyRequest, policyRoute } from './policy-route.js';
import { PREVIEW_PARAM, signPreview } from './preview-link.js';
import { isPreviewable, proxyPreview } from './proxy-preview.js';
import { MESSAGES_PATH } from '../shared/message-wire.js';
import { sendMessageRoute } from './send-message.js';

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
        return preflight(request, resolved.origins);
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
    return withCors(response, request, resolved.origins);
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
  const path = withoutTrailingSlashes(new URL(request.url).pathname);
  const address = clientAddressOf(request, options.callers.clientAddress);
  if (path.endsWith(INSTALL_CALLBACK_PATH) && options.callers.install) {
    if (request.method !== 'GET') throw uploadError('method-not-allowed');
    // No body to wait for: the callback is checked at once, and its place is not evictable.
    return withTicket(options.callers.admission.admitStranger(address), (ticket) => {
      ticket.proven();
      return installRoute(request, options);
    });
  }
  if (path.endsWith(SESSION_PATH) && options.callers.sso) {
    if (request.method !== 'POST') throw uploadError('method-not-allowed');
    // Every try counts, whatever it carries, and before it may take (or evict for) a place: a
    // client past its sign-ins a minute is told 429 without costing anyone theirs.
    options.callers.sso.perAddress.hit(address);
    // A sign-in is a stranger's until its payload is read: it holds a place of the strangers'.
    return withTicket(options.callers.admission.admitStranger(address), (ticket) => openSession(request, options, ticket));
  }
  if (path.endsWith(MESSAGES_PATH)) {
    if (request.method !== 'POST') throw uploadError('method-not-allowed');
    // A small JSON body within the strangers' deadline; the address's place is held meanwhile.
    return withTicket(options.callers.admission.admitAddress(address), () => sendMessageRoute(request, options));
  }
  // The policy: a small answer from the options, no body read and nothing asked of HighLevel.
  if (request.method === 'GET' && isPolicyRequest(request, path)) return policyRoute(request, options);
  if (request.method === 'GET') {
    // A preview holds its address's place until its body is sent or given up, not just its headers.
    const ticket = options.callers.admission.admitAddress(address);
    try {
      return heldUntilSent(await proxyPreview(request, options), ticket.release);
    } catch (error) {
      ticket.release();
      throw error;
    }
  }
  if (request.method !== 'POST') throw uploadError('method-not-allowed');
  checkRequest(request, options.origins);
  // Who is asking, before a byte of the body is read: with SSO, no session is 401 here.
  const caller = await resolveCaller(request, options.callers);
  const known = Boolean(options.callers.sso) || options.callers.anyoneMayUpload || (await authenticated(request, options.callers));
  const started = Date.now();
  // Counted before a byte is read: past a limit, the client hears 503 (or 429 for its address) at once.
  const ticket = known ? options.callers.admission.admitKnown(address, caller.locationId) : options.callers.admission.admitStranger(address);
  try {
    const upload = await forwardUpload(request, options, caller, known ? undefined : { authorized: ticket.promote, evicted: ticket.evicted });
    options.logger.info('uploaded', {
      files: upload.files.length,
      bytes: upload.files.reduce((sum, file) => sum + file.size, 0),
      ms: Date.now() - started,
    });
    const body: UploadResponseBody = { files: withPreviewLinks(upload, request, options) };
    return jsonResponse(200, body);
  } finally {
    ticket.release();
  }
}

/** The host's `authenticate`, when it has one: `false` is 401 before a byte of the body is read. */
async function authenticated(request: Request, callers: Pick<Callers, 'authenticate'>): Promise<boolean> {
  if (!callers.authenticate) return false;
  if (!(await callers.authenticate(request))) throw uploadError('unauthorized');
  return true;
}

/** `response` with `release` called once its body has been read to the end, failed or been cancelled. */
function heldUntilSent(response: Response, release: () => void): Response {
  if (!response.body) {
    release();
    return response;
  }
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          release();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        release();
        controller.error(error);
      }
    },
    cancel(reason) {
      release();
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

async function withTicket(ticket: Ticket, answer: (ticket: Ticket) => Promise<Response>): Promise<Response> {
  try {
    return await answer(ticket);
  } finally {
    ticket.release();
  }
}

/**
 * Each file with its signed handle (what a message names it by) and, where the server can read
 * it, a link to read it back through this route.
 */
function withPreviewLinks(upload: ForwardedUpload, request: Request, options: { origins: Pick<Origins, 'publicOrigin'>; previews: Previews }): UploadedFile[] {
  const route = `${ownOrigin(request, options.origins)}${new URL(request.url).pathname}`;
  const expiresAt = Math.floor(Date.now() / 1000) + options.previews.previewTtlSeconds;
  return upload.files.map((file) => {
    const handle = signPreview(
      { url: file.url, locationId: upload.locationId, conversationId: upload.conversationId, expiresAt },
      options.previews.previewSecret,
    );
    if (!isPreviewable(file.url, options.previews)) return { ...file, handle };
    return { ...file, handle, previewUrl: `${route}?${PREVIEW_PARAM}=${handle}` };
  });
}

/**
 * The path without its trailing slashes, in one pass: `/\/+$/` tries again from every slash of a
 * long run that does not end the path, which is quadratic in a request line of 16 KB of them.
 * The walk stops at the start too: `charCodeAt(-1)` is `NaN`, never a slash.
 */
function withoutTrailingSlashes(path: string): string {
  let end = path.length;
  while (path.charCodeAt(end - 1) === 0x2f) end -= 1;
  return path.slice(0, end);
}
