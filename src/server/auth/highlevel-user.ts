import { uploadError } from '../../shared/upload-error.js';
import { retryAfterSeconds } from '../map-highlevel-error.js';
import type { HighLevel, Shared } from '../resolve-options.js';
import type { SharedStore } from '../store/shared-store.js';
import { waitForTurn } from '../store/wait-for-turn.js';

/** Who HighLevel says a user is, in one location: what a session takes from HighLevel, not from the payload. */
export interface HighLevelUserAccess {
  role: 'admin' | 'user';
  /** `location` for a sub-account user (HighLevel's `account`), `agency` for an agency user. */
  type: 'agency' | 'location';
}

/** The `Version` header HighLevel's Users API asks for (its API docs, Users → Get User). */
export const HIGHLEVEL_USERS_API_VERSION = '2021-07-28';

/** The longest a sign-in waits for HighLevel's answer about its user, in ms (or `upstreamTimeoutMs`, if shorter). */
export const USER_LOOKUP_DEADLINE_MS = 10_000;

/** The largest answer read about one user: a user is a few KB (its permissions and scopes). */
const MAX_ANSWER_BYTES = 256 * 1024;

/**
 * Asks HighLevel (`GET /users/{userId}`, scope `users.readonly`, with the location's token) who
 * `userId` is, and whether they may work in `locationId`: a sub-account user whose `locationIds`
 * include it, or an agency user not restricted to other sub-accounts. HighLevel answers a
 * location's token about the users of its own agency only, which keeps out agency users of
 * other companies. The answer is remembered in the shared store for `ttlSeconds` (a session's
 * life), so that a page that signs in again costs HighLevel nothing.
 *
 * Throws `unauthorized` for a user HighLevel does not know or who may not work there,
 * `highlevel-auth` when it refuses the token (401, reported to the token provider, as uploads
 * do; or 403), `rate-limited` for its 429, `highlevel-timeout` past the deadline and
 * `highlevel-unavailable` when it cannot be reached or answers otherwise. Never a guess.
 */
export async function lookUpHighLevelUser(
  userId: string,
  locationId: string,
  { highlevel, shared }: { highlevel: HighLevel; shared: Shared },
  ttlSeconds: number,
  signal: AbortSignal,
): Promise<HighLevelUserAccess> {
  // Both ids have passed the id pattern (no `:`): the key cannot spell another.
  const key = `sso-user:${locationId}:${userId}`;
  const cached = await readCache(key, shared.store);
  if (cached) return cached;
  await waitForTurn(locationId, shared, signal);
  const token = await highlevel.getToken({ locationId });
  const deadline = AbortSignal.timeout(Math.min(highlevel.upstreamTimeoutMs, USER_LOOKUP_DEADLINE_MS));
  let status: number;
  let body: unknown;
  let headers: Headers;
  try {
    const response = await (highlevel.fetch ?? globalThis.fetch)(`${highlevel.apiBase}/users/${encodeURIComponent(userId)}`, {
      headers: {
        Authorization: `Bearer ${token}`,
        Version: HIGHLEVEL_USERS_API_VERSION,
        Accept: 'application/json',
      },
      redirect: 'manual',
      signal: AbortSignal.any([signal, deadline]),
    });
    ({ status, headers } = response);
    body = status === 200 ? await readJson(response) : await response.body?.cancel();
  } catch (error) {
    if (signal.aborted) throw uploadError('cancelled', { cause: error });
    // Stryker disable next-line ObjectLiteral: the cause is for a debugger; no answer or log line carries it
    throw uploadError(deadline.aborted ? 'highlevel-timeout' : 'highlevel-unavailable', { cause: error });
  }
  if (status === 401) {
    highlevel.getToken.refused?.({ locationId, token });
    throw uploadError('highlevel-auth');
  }
  if (status === 403) throw uploadError('highlevel-auth');
  // HighLevel's Users API documents 400 (and 422) for an id it cannot answer about.
  if (status === 400 || status === 404 || status === 422) throw uploadError('unauthorized');
  if (status === 429) {
    const seconds = retryAfterSeconds(headers);
    throw uploadError('rate-limited', { values: { seconds }, details: { retryAfter: seconds } });
  }
  if (status !== 200) throw uploadError('highlevel-unavailable');
  const access = accessOf(body, userId, locationId);
  await writeCache(key, access, ttlSeconds, shared.store);
  return access;
}

/** Who the answer says the user is in `locationId`; throws when they may not work there. */
function accessOf(body: unknown, userId: string, locationId: string): HighLevelUserAccess {
  const user = body as { id?: unknown; deleted?: unknown; roles?: { type?: unknown; role?: unknown; locationIds?: unknown; restrictSubAccount?: unknown } } | null;
  const roles = user?.roles;
  // Stryker disable next-line ArrayDeclaration: an id in the empty list's place is never a location's (the id pattern)
  const locationIds = roles?.locationIds ?? [];
  if (
    typeof roles !== 'object' ||
    roles === null ||
    (roles.type !== 'account' && roles.type !== 'agency') ||
    (roles.role !== 'admin' && roles.role !== 'user') ||
    !Array.isArray(locationIds)
  ) {
    throw uploadError('highlevel-unavailable');
  }
  // An answer about someone else, or a deleted user, is no answer about this one.
  // Stryker disable next-line OptionalChaining: valid roles above mean the answer is an object
  if (user?.id !== userId || user.deleted === true) throw uploadError('unauthorized');
  const listed = locationIds.includes(locationId);
  const allowed = roles.type === 'account' ? listed : roles.restrictSubAccount !== true || listed;
  if (!allowed) throw uploadError('unauthorized');
  return { role: roles.role, type: roles.type === 'agency' ? 'agency' : 'location' };
}

async function readJson(response: Response): Promise<unknown> {
  const reader = response.body!.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > MAX_ANSWER_BYTES) {
      await reader.cancel();
      // Stryker disable next-line StringLiteral: caught above and answered as highlevel-unavailable, message unread
      throw new Error('answer too large');
    }
    chunks.push(value);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

/**
 * The remembered answer, if it is still within its time. The store keeps values without expiry,
 * so the time is kept in the value and checked here. Only answers about users HighLevel knows in
 * that location are written, so the entries are bounded by the real users who signed in, not by
 * what strangers send. The cache only saves a request: a store that fails is skipped.
 */
async function readCache(key: string, store: SharedStore): Promise<HighLevelUserAccess | undefined> {
  try {
    const text = await store.get(key);
    if (text === undefined) return undefined;
    const entry = JSON.parse(text) as { role: HighLevelUserAccess['role']; type: HighLevelUserAccess['type']; until: number };
    if (entry.until > Date.now()) return { role: entry.role, type: entry.type };
    await store.delete(key);
  } catch {
    // Asked of HighLevel instead.
  }
  return undefined;
}

async function writeCache(key: string, access: HighLevelUserAccess, ttlSeconds: number, store: SharedStore): Promise<void> {
  try {
    await store.set(key, JSON.stringify({ ...access, until: Date.now() + ttlSeconds * 1000 }));
  } catch {
    // The next sign-in asks HighLevel again.
  }
}
