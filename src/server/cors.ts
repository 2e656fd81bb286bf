import { uploadError } from '../shared/upload-error.js';
import { ALLOWED_METHODS } from './error-response.js';
import type { Origins } from './resolve-options.js';

/** How long a browser may keep an approved preflight, in seconds. */
export const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** This server's origin as browsers see it: the configured one, else the request's `Host`. */
export function ownOrigin(request: Request, origins: Pick<Origins, 'publicOrigin'>): string {
  return origins.publicOrigin ?? new URL(request.url).origin;
}

/** Whether `origin` is one of `allowedOrigins` (exact match; the own origin needs no CORS). */
function isAllowedOrigin(origin: string | null, origins: Pick<Origins, 'allowedOrigins'>): origin is string {
  // Stryker disable next-line ConditionalExpression: allowedOrigins never holds null
  return origin !== null && origins.allowedOrigins.has(origin);
}

/**
 * CORS headers for an answer to an allowed origin: the origin echoed exactly (never `*`), and
 * `Vary: Origin` on every answer so that no cache hands one origin's answer to another.
 */
export function corsHeaders(request: Request, origins: Pick<Origins, 'allowedOrigins' | 'allowCredentials'>): Record<string, string> {
  const origin = request.headers.get('origin');
  if (!isAllowedOrigin(origin, origins)) return { Vary: 'Origin' };
  return {
    Vary: 'Origin',
    'Access-Control-Allow-Origin': origin,
    // The widget reads Retry-After to count down a rate limit or a busy server.
    'Access-Control-Expose-Headers': 'Retry-After',
    ...(origins.allowCredentials ? { 'Access-Control-Allow-Credentials': 'true' } : {}),
  };
}

/**
 * The answer to a preflight (`OPTIONS` with `Access-Control-Request-Method`). Approved only for
 * an allowed origin asking for `GET` or `POST` with headers of the allowed set; anything else
 * gets 403 `forbidden-origin` and no CORS header, so the browser never sends the request.
 */
export function preflight(request: Request, origins: Origins): Response {
  const origin = request.headers.get('origin');
  const method = request.headers.get('access-control-request-method');
  // A plain OPTIONS (no preflight) asks what the route serves.
  if (method === null) return new Response(null, { status: 204, headers: { Allow: ALLOWED_METHODS.join(', ') } });
  const asked = (request.headers.get('access-control-request-headers') ?? '')
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);
  const approved =
    isAllowedOrigin(origin, origins) &&
    (method === 'GET' || method === 'POST') &&
    asked.every((name) => origins.allowedHeaders.includes(name));
  if (!approved) throw uploadError('forbidden-origin');
  return new Response(null, {
    status: 204,
    headers: {
      ...corsHeaders(request, origins),
      'Access-Control-Allow-Methods': 'GET, POST',
      'Access-Control-Allow-Headers': origins.allowedHeaders.join(', '),
      'Access-Control-Max-Age': String(PREFLIGHT_MAX_AGE_SECONDS),
      'Cache-Control': 'no-store',
    },
  });
}

/** `response` with the CORS headers for `request` added. */
export function withCors(response: Response, request: Request, origins: Pick<Origins, 'allowedOrigins' | 'allowCredentials'>): Response {
  for (const [name, value] of Object.entries(corsHeaders(request, origins))) response.headers.set(name, value);
  return response;
}
