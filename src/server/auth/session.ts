import { parseCookie, stringifySetCookie } from 'cookie';
import { uploadError } from '../../shared/upload-error.js';
import type { Ticket } from '../admission.js';
import { checkCaller } from '../check-request.js';
import { parseContentType } from '../content-type.js';
import { jsonResponse } from '../error-response.js';
import type { Caller, Callers, HighLevel, Limits, Origins, Shared } from '../resolve-options.js';
import { readJsonBody } from '../read-json-body.js';
import { lookUpHighLevelUser, type HighLevelUserAccess } from './highlevel-user.js';
import { MAX_SSO_PAYLOAD_LENGTH, decryptUserContext } from './sso-payload.js';
import { signSession, verifySession, type HighLevelSessionUser } from './session-token.js';

/**
 * The session cookie: `__Host-` (this host only, path `/`, Secure), HttpOnly, and, since the page
 * lives in HighLevel's iframe, `SameSite=None; Partitioned` (CHIPS): kept in a jar of HighLevel's
 * site only, so that browsers that block third-party cookies still keep it where they allow
 * partitioned ones.
 */
export const SESSION_COOKIE = '__Host-ghl-attachments-session';

/** Every refused sign-in is answered no sooner than this after it arrived, whatever failed. */
export const SIGN_IN_FLOOR_MS = 50;

/** What `POST {route}/session` answers. */
export interface SessionAnswer {
  user: Pick<HighLevelSessionUser, 'userId' | 'companyId' | 'locationId' | 'role' | 'type'>;
  /** For the `Authorization: Bearer` header, where the cookie is not kept. */
  token: string;
  /** When the session ends, in ms since the epoch: sign in again before. */
  expiresAt: number;
}

/** Who the request speaks for: with SSO, the session's user and location (401 without one). */
export async function resolveCaller(request: Request, callers: Pick<Callers, 'sso' | 'resolveLocationId'>): Promise<Caller> {
  if (!callers.sso) return { locationId: await callers.resolveLocationId!(request) };
  const token = sessionTokenOf(request);
  if (!token) throw uploadError('unauthorized');
  const user = verifySession(token, callers.sso.key);
  if (user === 'expired') throw uploadError('session-expired');
  if (!user) throw uploadError('unauthorized');
  return { locationId: user.locationId, user };
}

/** What a HighLevel location id looks like (letters, digits, `-` and `_`). */
const LOCATION_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The bearer token, else the cookie. */
function sessionTokenOf(request: Request): string | undefined {
  // Stryker disable next-line StringLiteral: the default does not match Bearer either: no bearer, as with ''
  const bearer = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
  if (bearer) return bearer;
  const header = request.headers.get('cookie');
  return header ? parseCookie(header)[SESSION_COOKIE] || undefined : undefined;
}

/**
 * `POST {route}/session` with `{ "encryptedData": "…" }`: the payload HighLevel gave the page,
 * decrypted with the Shared Secret and read strictly. The payload only claims who the user is
 * and where: HighLevel's Users API then says whether that user exists and may work in that
 * location, and with which role (see `lookUpHighLevelUser`). Only then is a session opened.
 * A payload that does not decrypt or read (wrong secret, bad padding, not strict JSON, a field
 * of the wrong shape, no `activeLocation`) gets one and the same 401, no sooner than
 * {@link SIGN_IN_FLOOR_MS}. Sign-ins are counted per client address and per location (429
 * `rate-limited` past either), so that a forger gets few answers to learn from.
 */
/** What a sign-in reads: SSO, the origin checks, the body's deadline, and HighLevel to ask about the user. */
export interface OpenSessionOptions {
  callers: Pick<Callers, 'sso'>;
  origins: Pick<Origins, 'publicOrigin' | 'allowedOrigins'>;
  limits: Pick<Limits, 'unauthenticatedDeadlineMs'>;
  highlevel: HighLevel;
  shared: Shared;
}

export async function openSession(request: Request, options: OpenSessionOptions, place: Pick<Ticket, 'evicted' | 'proven'>): Promise<Response> {
  const sso = options.callers.sso;
  // Stryker disable next-line ConditionalExpression,StringLiteral: routed only when callers.sso is set; not exported
  if (!sso) throw uploadError('bad-request');
  const started = Date.now();
  checkCaller(request, options.origins);
  if (parseContentType(request.headers.get('content-type'))?.type !== 'application/json') throw uploadError('bad-request');
  // A sign-in holds up to ~17 KB while its body arrives, in a place of the strangers' pool
  // (taken by the route): the body must be in within the strangers' deadline.
  const payload = (await readJsonBody(request, { limit: MAX_SSO_PAYLOAD_LENGTH + 1024, deadlineMs: options.limits.unauthenticatedDeadlineMs, evicted: place.evicted })) as
    | { encryptedData?: unknown }
    | undefined;
  // The body is in: what follows is the server's own work, and the place is no longer evictable.
  place.proven();
  const context = decryptUserContext(payload?.encryptedData, sso.sharedSecret);
  const floor = () => new Promise((resolve) => setTimeout(resolve, Math.max(0, started + SIGN_IN_FLOOR_MS - Date.now())));
  // A location id goes into HighLevel's form and into store keys: only the shape HighLevel uses.
  if (!context?.activeLocation || !LOCATION_ID.test(context.activeLocation)) {
    await floor();
    throw uploadError('unauthorized');
  }
  // Known only for a payload that decrypted: its 429 says as much, but only to one who has
  // already sent this location's limit of such payloads (and the per-address limit bounds that).
  sso.perLocation.hit(context.activeLocation);
  let access: HighLevelUserAccess;
  try {
    access = await lookUpHighLevelUser(context.userId, context.activeLocation, options, sso.ttlSeconds, request.signal);
  } catch (error) {
    // A user HighLevel refuses is refused as any bad payload is: the same 401, no sooner.
    await floor();
    throw error;
  }
  const user: HighLevelSessionUser = {
    userId: context.userId,
    companyId: context.companyId,
    locationId: context.activeLocation,
    role: access.role,
    type: access.type,
  };
  const expiresAt = Date.now() + sso.ttlSeconds * 1000;
  const token = signSession(user, expiresAt, sso.key);
  const body: SessionAnswer = { user, token, expiresAt };
  return jsonResponse(200, body, {
    'Set-Cookie': stringifySetCookie(SESSION_COOKIE, token, {
      path: '/',
      maxAge: sso.ttlSeconds,
      httpOnly: true,
      secure: true,
      sameSite: 'none',
      partitioned: true,
    }),
  });
}
