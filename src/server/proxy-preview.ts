import { DEFAULT_FILE_TYPES } from '../shared/file-types.js';
import { uploadError } from '../shared/upload-error.js';
import { HIGHLEVEL_API_VERSION } from './forward-upload.js';
import type { Callers, HighLevel, Origins, Previews, Shared } from './resolve-options.js';
import { PREVIEW_PARAM, verifyPreview } from './preview-link.js';
import { resolveCaller } from './auth/session.js';
import { waitForTurn } from './store/wait-for-turn.js';

/** MIME types a preview may be served as; anything else is sent as a download. */
const PREVIEW_TYPES = new Set(DEFAULT_FILE_TYPES.flatMap((type) => type.mimeTypes));

/** Headers of HighLevel's answer that a preview passes on (ranges let video seek). */
const PASSED_ON = ['content-length', 'content-range', 'accept-ranges', 'etag', 'last-modified'];

/**
 * `GET ?preview=<signed handle>`: streams a file HighLevel stored back to the browser, read with
 * the server's token, so that previews outlive the hour a secure attachment's URL is public. The
 * handle (made by the upload's answer) names the file, location and conversation; it must be
 * signed by this server and unexpired, its location must be the request's, and `authorize` is
 * asked about its conversation before anything is read. Only URLs on the configured file
 * origins and attachment paths are read, and redirects are refused.
 */
/** What a preview reads: the link's secret and file origins, the caller checks, and HighLevel. */
export interface ProxyPreviewOptions {
  origins: Pick<Origins, 'allowedOrigins'>;
  previews: Pick<Previews, 'previewSecret' | 'filePrefixes'>;
  callers: Pick<Callers, 'sso' | 'resolveLocationId' | 'authorize'>;
  highlevel: Pick<HighLevel, 'getToken' | 'fetch' | 'upstreamTimeoutMs'>;
  shared: Shared;
}

export async function proxyPreview(request: Request, options: ProxyPreviewOptions): Promise<Response> {
  // Pages of other sites may not embed previews, unless the operator allowed other origins.
  const crossSiteAllowed = options.origins.allowedOrigins.size > 0;
  if (!crossSiteAllowed && request.headers.get('sec-fetch-site') === 'cross-site') throw uploadError('forbidden-origin');
  const claims = verifyPreview(new URL(request.url).searchParams.get(PREVIEW_PARAM), options.previews.previewSecret);
  const target = allowedFileUrl(claims.url, options.previews);
  const { locationId, user } = await resolveCaller(request, options.callers);
  if (claims.locationId !== locationId) throw uploadError('preview-link-invalid');
  const context = { action: 'preview', conversationId: claims.conversationId, locationId, ...(user ? { user } : {}) } as const;
  if (!(await options.callers.authorize(request, context))) throw uploadError('unauthorized');

  // A token HighLevel refuses is reported, and the read tried once more with the store's
  // (another instance may have refreshed it): a GET can be sent twice, an upload's stream cannot.
  let response = await readFile(target, request, options, locationId);
  if (response.status === 401 && options.highlevel.getToken.refused) response = await readFile(target, request, options, locationId);
  if (response.status !== 200 && response.status !== 206) {
    await response.body?.cancel();
    if (response.status === 401 || response.status === 403) throw uploadError('highlevel-auth');
    if (response.status === 404 || response.status === 410) throw uploadError('file-not-found');
    // Redirects included: following one could lead anywhere, with the token.
    throw uploadError('highlevel-unavailable');
  }

  // Stryker disable next-line StringLiteral: without a type, neither default is previewable or application/pdf
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const previewable = PREVIEW_TYPES.has(type);
  const answer = new Headers({
    'Content-Type': previewable ? type : 'application/octet-stream',
    'Content-Disposition': previewable ? 'inline' : 'attachment',
    'Cache-Control': 'private, max-age=300',
    'X-Content-Type-Options': 'nosniff',
    // Chrome will not show a PDF under a sandboxing policy; every other type gets one.
    'Content-Security-Policy': type === 'application/pdf' ? "default-src 'none'" : "default-src 'none'; sandbox",
    'Cross-Origin-Resource-Policy': crossSiteAllowed ? 'cross-origin' : 'same-origin',
  });
  for (const name of PASSED_ON) {
    const value = response.headers.get(name);
    if (value !== null) answer.set(name, value);
  }
  return new Response(response.body, { status: response.status, headers: answer });
}

async function readFile(target: URL, request: Request, options: Pick<ProxyPreviewOptions, 'highlevel' | 'shared'>, locationId: string): Promise<Response> {
  await waitForTurn(locationId, options.shared, request.signal);
  const token = await options.highlevel.getToken({ locationId });
  const headers: Record<string, string> = { Authorization: `Bearer ${token}`, Version: HIGHLEVEL_API_VERSION };
  const range = request.headers.get('range');
  if (range && /^bytes=[\d,\s-]+$/.test(range)) headers.Range = range;
  const timeout = AbortSignal.timeout(options.highlevel.upstreamTimeoutMs);
  let response: Response;
  try {
    response = await (options.highlevel.fetch ?? globalThis.fetch)(target, { headers, redirect: 'manual', signal: AbortSignal.any([request.signal, timeout]) });
  } catch (error) {
    // Stryker disable next-line ObjectLiteral: a cause is read only for internal
    throw uploadError(timeout.aborted ? 'highlevel-timeout' : 'highlevel-unavailable', { cause: error });
  }
  if (response.status === 401) {
    await response.body?.cancel();
    options.highlevel.getToken.refused?.({ locationId, token });
  }
  return response;
}

/** Whether the server would read `url` for a preview (so a preview link is worth making). */
export function isPreviewable(url: string, previews: Pick<Previews, 'filePrefixes'>): boolean {
  try {
    allowedFileUrl(url, previews);
    // Stryker disable BlockStatement: isPreviewable's only caller reads undefined as false
    return true;
  } catch {
    // Stryker restore BlockStatement
    return false;
  }
}

function allowedFileUrl(raw: string, previews: Pick<Previews, 'filePrefixes'>): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw uploadError('file-url-not-allowed');
  }
  // The parsed URL is compared, not the raw string: parsing has resolved dot segments already.
  const allowed =
    url.username === '' &&
    url.password === '' &&
    previews.filePrefixes.some((prefix) => `${url.origin}${url.pathname}`.startsWith(prefix)) &&
    // Stryker disable next-line ConditionalExpression,LogicalOperator: URL parsing removes '.' and '..' segments
    !url.pathname.split('/').some((segment) => segment === '..' || segment === '.' || /%2e|%2f|%5c/i.test(segment));
  if (!allowed) throw uploadError('file-url-not-allowed');
  return url;
}
