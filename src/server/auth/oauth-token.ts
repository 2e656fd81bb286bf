import { isUploadError, uploadError } from '../../shared/upload-error.js';
import { MAX_TIMER_MS, wholeNumberOption } from '../../shared/check-option.js';
import { resolveLogger, type Logger } from '../logger.js';
import { DEFAULT_API_BASE, type TokenContext, type TokenProvider } from '../options.js';
import { memoryStore } from '../store/memory-store.js';
import type { SharedStore } from '../store/shared-store.js';
import { sharedTokenStore, type OAuthTokens, type TokenStore } from './token-store.js';

/** Options of {@link oauthToken}. */
export interface OAuthTokenOptions {
  /** The app's client id. Required. */
  clientId: string;
  /** The app's client secret. Required. */
  clientSecret: string;
  /**
   * What instances share: the lock that lets one of them refresh a location's tokens at a time,
   * and the tokens themselves when `store` is not given. `redisStore()` for several instances.
   * Default: `memoryStore()` (one process).
   */
  shared?: SharedStore;
  /** Holds each location's tokens. Default: the shared store (`sharedTokenStore(shared)`). */
  store?: TokenStore;
  /** Default: `https://services.leadconnectorhq.com/oauth/token`. */
  tokenUrl?: string;
  /** How long before expiry to refresh, in ms. Default: 300,000 (5 minutes). */
  refreshAheadMs?: number;
  /** How long HighLevel may take to answer a refresh or an install, in ms. Default: 10,000. */
  refreshTimeoutMs?: number;
  /**
   * How long a request waits for another instance's refresh of the same location, in ms; then
   * 504 `highlevel-timeout`. Default: 15,000.
   */
  lockWaitMs?: number;
  /** `user_type` of refreshes and installs. Default: `Location` (sub-account tokens). */
  userType?: 'Location' | 'Company';
  /** Where a lost or refused refresh is reported (`error`); any `Logger` shape. Default: `console`. */
  logger?: Logger;
  /** Default: `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** The clock, for tests. Default: `Date.now`. */
  now?: () => number;
}

/** What an install stored. */
export interface InstalledLocation {
  locationId: string;
  companyId?: string;
}

/** A token provider for an OAuth app, per location, that also installs and refreshes. */
export interface OAuthTokenProvider extends TokenProvider {
  (context: TokenContext): Promise<string>;
  /** Refreshes the location's tokens now (once per location, however many callers ask at the same time). */
  refresh(context: TokenContext): Promise<string>;
  /** HighLevel refused `token`: the next call re-reads the store, and refreshes if it still holds that token. */
  refused(context: TokenContext & { token: string }): void;
  /**
   * Exchanges the authorization code of an install (`grant_type=authorization_code`) for the
   * location's tokens and stores them. `redirectUri` must be the one the app registered. Only a
   * sub-account's token (`userType: Location`) is stored; an agency's is refused with
   * `install-not-location`.
   */
  install(code: string, redirectUri?: string): Promise<InstalledLocation>;
}

interface TokenAnswer {
  access_token?: unknown;
  refresh_token?: unknown;
  expires_in?: unknown;
  locationId?: unknown;
  companyId?: unknown;
  /** `Location` for a sub-account's token, `Company` for an agency's (HighLevel's API docs, OAuth → Get Access Token). */
  userType?: unknown;
}

const LOCK_POLL_MS = 100;
const LOCK_MARGIN_MS = 20_000;

/**
 * A token provider for a Marketplace app installed in many locations, served by one or many
 * instances. Each location's access token is handed out while fresh and refreshed ahead of
 * expiry, under a lock in the shared store, so that however many instances and uploads ask at
 * once, one refresh reaches HighLevel and everyone else reads the new pair from the store.
 * HighLevel kills a refresh token when it is used: the new pair is saved before anything uses
 * it, a refused refresh re-reads the store (another instance may have refreshed) before giving
 * up, and a refresh whose answer is lost is reported as an error: if HighLevel did rotate the
 * token, the location needs the app installed again.
 */
export function oauthToken(options: OAuthTokenOptions): OAuthTokenProvider {
  const { clientId, clientSecret, tokenUrl = `${DEFAULT_API_BASE}/oauth/token`, userType = 'Location', now = Date.now } = options;
  const refreshAheadMs = wholeNumberOption('oauthToken', 'refreshAheadMs', options.refreshAheadMs, 300_000, 0, MAX_TIMER_MS);
  // A holder that died frees the lock after this; it outlasts any refresh that can still answer.
  const refreshTimeoutMs = wholeNumberOption('oauthToken', 'refreshTimeoutMs', options.refreshTimeoutMs, 10_000, 1, MAX_TIMER_MS - LOCK_MARGIN_MS);
  const lockTtlMs = refreshTimeoutMs + LOCK_MARGIN_MS;
  const lockWaitMs = wholeNumberOption('oauthToken', 'lockWaitMs', options.lockWaitMs, 15_000, 0, MAX_TIMER_MS);
  const shared = options.shared ?? memoryStore();
  const store = options.store ?? sharedTokenStore(shared);
  const logger = resolveLogger(options.logger, 'oauthToken');
  const fetchImpl = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));

  // What this process knows per location: the pair in use, a single flight of refreshing, a
  // token HighLevel refused, and a pair HighLevel gave that the store has not taken yet.
  const current = new Map<string, OAuthTokens>();
  const inFlight = new Map<string, Promise<OAuthTokens>>();
  const refusedTokens = new Map<string, string>();
  const unsaved = new Map<string, OAuthTokens>();

  const fresh = (tokens: OAuthTokens | undefined, locationId: string): tokens is OAuthTokens =>
    tokens !== undefined && now() < tokens.expiresAt - refreshAheadMs && tokens.accessToken !== refusedTokens.get(locationId);

  async function load(locationId: string): Promise<OAuthTokens | undefined> {
    try {
      return (await store.load(locationId)) ?? undefined;
    } catch (error) {
      throw storeError(error);
    }
  }

  /** Stores a pair HighLevel gave; until that works, nothing uses it (and the lock is kept). */
  async function persist(locationId: string): Promise<void> {
    const pair = unsaved.get(locationId);
    if (!pair) return;
    let lastError: unknown;
    for (let attempt = 0; attempt < 3; attempt += 1) {
      try {
        await store.save(pair, locationId);
        unsaved.delete(locationId);
        return;
      } catch (error) {
        lastError = error;
        await sleep(200);
      }
    }
    logger.error(
      `oauthToken: HighLevel gave location ${locationId} a new token pair and the store cannot save it. The old ` +
        'refresh token is dead; this process keeps the new pair and retries saving it with each request. If the ' +
        'process stops first, the app must be installed again in that location.',
      { error: String(lastError) },
    );
    throw storeError(lastError);
  }

  async function post(form: Record<string, string>): Promise<{ status: number; body: TokenAnswer | undefined }> {
    const response = await fetchImpl(tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({ client_id: clientId, client_secret: clientSecret, user_type: userType, ...form }),
      signal: AbortSignal.timeout(refreshTimeoutMs),
    });
    const body = (await response.json().catch(() => undefined)) as TokenAnswer | undefined;
    return { status: response.status, body };
  }

  function pairOf(body: TokenAnswer | undefined): OAuthTokens | undefined {
    if (typeof body?.access_token !== 'string' || typeof body.refresh_token !== 'string') return undefined;
    const seconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 86_399;
    return { accessToken: body.access_token, refreshToken: body.refresh_token, expiresAt: now() + seconds * 1000 };
  }

  /** One refresh with the stored refresh token; called with the lock held. */
  async function refreshWith(locationId: string, stored: OAuthTokens, retried = false): Promise<OAuthTokens> {
    let answer: Awaited<ReturnType<typeof post>>;
    try {
      answer = await post({ grant_type: 'refresh_token', refresh_token: stored.refreshToken });
    } catch (error) {
      // The request may have reached HighLevel, which then killed the refresh token we hold.
      logger.error(
        `oauthToken: the refresh of location ${locationId} got no answer. If HighLevel received it, the stored refresh ` +
          'token is now dead and the next refresh will be refused: the app would then have to be installed again.',
        { error: String(error) },
      );
      throw uploadError('highlevel-unavailable', { cause: error });
    }
    // Stryker disable next-line ConditionalExpression: no 1xx is ever a final answer
    const next = answer.status >= 200 && answer.status < 300 ? pairOf(answer.body) : undefined;
    // Stryker disable next-line ConditionalExpression: no 1xx is ever a final answer
    if (answer.status >= 200 && answer.status < 300 && !next) {
      logger.error(`oauthToken: HighLevel answered the refresh of location ${locationId} without a token pair; the old refresh token may be dead.`);
      throw uploadError('highlevel-unavailable');
    }
    if (!next) {
      if (answer.status >= 500) throw uploadError('highlevel-unavailable');
      // Refused: another instance may have used this refresh token already (its lock expired
      // while it waited on HighLevel). Its pair, if it saved one, is the only one that works.
      const latest = await load(locationId);
      if (latest && latest.refreshToken !== stored.refreshToken) {
        if (fresh(latest, locationId)) return latest;
        if (!retried) return refreshWith(locationId, latest, true);
      }
      logger.error(
        `oauthToken: HighLevel refused the refresh token of location ${locationId} (status ${answer.status}). The app ` +
          'must be installed again in that location.',
      );
      throw uploadError('highlevel-auth');
    }
    unsaved.set(locationId, next);
    await persist(locationId);
    refusedTokens.delete(locationId);
    return next;
  }

  /** The location's usable pair: from the store, or refreshed by this instance under the lock. */
  async function obtain(locationId: string, force: boolean): Promise<OAuthTokens> {
    await persist(locationId);
    const deadline = now() + lockWaitMs;
    const lockKey = `refresh-lock:${locationId}`;
    const known = current.get(locationId)?.accessToken;
    for (;;) {
      const stored = await load(locationId);
      if (!stored) throw uploadError('app-not-installed');
      // A forced refresh is satisfied by a pair newer than the one this process had.
      if (fresh(stored, locationId) && (!force || stored.accessToken !== known)) return stored;
      let owner: string | undefined;
      try {
        owner = await shared.tryLock(lockKey, lockTtlMs);
      } catch (error) {
        throw storeError(error);
      }
      if (owner) {
        let release = true;
        try {
          // The holder before us may have saved a new pair between our read and our lock.
          const latest = await load(locationId);
          if (!latest) throw uploadError('app-not-installed');
          if (fresh(latest, locationId) && (!force || latest.accessToken !== known)) return latest;
          return await refreshWith(locationId, latest);
        } catch (error) {
          // A pair HighLevel gave but the store did not take: keep the others off the dead
          // refresh token until the lock expires.
          if (unsaved.has(locationId)) release = false;
          throw error;
        } finally {
          if (release) await shared.unlock(lockKey, owner).catch(() => undefined);
        }
      }
      if (now() >= deadline) {
        logger.warn(`oauthToken: waited ${lockWaitMs} ms for another instance to refresh location ${locationId}`);
        throw uploadError('highlevel-timeout');
      }
      await sleep(LOCK_POLL_MS);
    }
  }

  function once(locationId: string, force: boolean): Promise<OAuthTokens> {
    let flight = inFlight.get(locationId);
    if (!flight) {
      flight = obtain(locationId, force)
        .then((tokens) => {
          current.set(locationId, tokens);
          return tokens;
        })
        .finally(() => inFlight.delete(locationId));
      inFlight.set(locationId, flight);
    }
    return flight;
  }

  const provider = async (context: TokenContext) => {
    // Stryker disable next-line StringLiteral: only the internal key of a context-less call changes
    const locationId = context?.locationId ?? '';
    const known = current.get(locationId);
    if (fresh(known, locationId) && !unsaved.has(locationId)) return known.accessToken;
    // Stryker disable next-line BooleanLiteral: once() is reached only when the stored token is not fresh either
    return (await once(locationId, false)).accessToken;
  };

  return Object.assign(provider, {
    refresh: async (context: TokenContext) => (await once(context.locationId, true)).accessToken,
    refused(context: TokenContext & { token: string }) {
      refusedTokens.set(context.locationId, context.token);
      if (current.get(context.locationId)?.accessToken === context.token) current.delete(context.locationId);
    },
    async install(code: string, redirectUri?: string): Promise<InstalledLocation> {
      let answer: Awaited<ReturnType<typeof post>>;
      try {
        answer = await post({ grant_type: 'authorization_code', code, ...(redirectUri ? { redirect_uri: redirectUri } : {}) });
      } catch (error) {
        throw uploadError('highlevel-unavailable', { cause: error });
      }
      const pair = answer.status >= 200 && answer.status < 300 ? pairOf(answer.body) : undefined;
      const locationId = answer.body?.locationId;
      // An agency's token reads every sub-account of the agency: stored as one location's, it
      // would serve that location with far more than its own rights (and refresh as the agency).
      if (pair && answer.body?.userType !== 'Location') {
        logger.warn('oauthToken: HighLevel answered an install with a token that is not a sub-account\'s; it is not stored', {
          userType: String(answer.body?.userType),
        });
        throw uploadError(answer.body?.userType === 'Company' ? 'install-not-location' : 'install-failed');
      }
      if (!pair || typeof locationId !== 'string' || locationId === '') {
        logger.warn('oauthToken: HighLevel refused an install code, or answered without a location token', { status: answer.status });
        throw uploadError('install-failed');
      }
      unsaved.set(locationId, pair);
      await persist(locationId);
      refusedTokens.delete(locationId);
      current.set(locationId, pair);
      const companyId = typeof answer.body?.companyId === 'string' ? answer.body.companyId : undefined;
      return { locationId, ...(companyId ? { companyId } : {}) };
    },
  }) as OAuthTokenProvider;
}

function storeError(error: unknown) {
  return isUploadError(error) ? error : uploadError('store-unavailable', { details: { retryAfter: 5 }, cause: error });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export type { OAuthTokens, TokenStore };
