import { uploadError } from '../shared/upload-error.js';
import { DEFAULT_API_BASE, type TokenProvider } from './options.js';

/** A sub-account's OAuth tokens as the BFF keeps them. */
export interface OAuthTokens {
  accessToken: string;
  refreshToken: string;
  /** When the access token stops working, in ms since the epoch. */
  expiresAt: number;
}

/**
 * Where the tokens live between refreshes: a database row, a secrets manager. HighLevel hands
 * out a new refresh token with every refresh and the old one stops working, so `save` must keep
 * each new pair before it is used.
 */
export interface TokenStore {
  load(): OAuthTokens | undefined | Promise<OAuthTokens | undefined>;
  save(tokens: OAuthTokens): void | Promise<void>;
}

/** Options of {@link oauthToken}. */
export interface OAuthTokenOptions {
  /** The app's client id. Required. */
  clientId: string;
  /** The app's client secret. Required. */
  clientSecret: string;
  /** Holds the tokens. Required. */
  store: TokenStore;
  /** Default: `https://services.leadconnectorhq.com/oauth/token`. */
  tokenUrl?: string;
  /** How long before expiry to refresh, in ms. Default: 300,000 (5 minutes). */
  refreshAheadMs?: number;
  /** `user_type` of the refresh. Default: `Location` (a sub-account token). */
  userType?: 'Location' | 'Company';
  /** Default: `globalThis.fetch`. */
  fetch?: typeof fetch;
  /** The clock, for tests. Default: `Date.now`. */
  now?: () => number;
}

/** A token provider that also lets the caller force a refresh. */
export interface OAuthTokenProvider extends TokenProvider {
  /** Refreshes now (once, however many callers ask at the same time). */
  refresh(): Promise<string>;
}

/**
 * A token provider for an OAuth app: hands out the stored access token, and refreshes it ahead
 * of expiry. Concurrent uploads share one refresh; the rotated refresh token is saved before the
 * new access token is used.
 */
export function oauthToken(options: OAuthTokenOptions): OAuthTokenProvider {
  const {
    clientId,
    clientSecret,
    store,
    tokenUrl = `${DEFAULT_API_BASE}/oauth/token`,
    refreshAheadMs = 300_000,
    userType = 'Location',
    now = Date.now,
  } = options;
  const fetchImpl = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  let current: OAuthTokens | undefined;
  let refreshing: Promise<OAuthTokens> | undefined;

  const fresh = (tokens: OAuthTokens | undefined): tokens is OAuthTokens =>
    tokens !== undefined && now() < tokens.expiresAt - refreshAheadMs;

  async function doRefresh(): Promise<OAuthTokens> {
    // Another server may have refreshed already: its pair is the only one that still works.
    const stored = (await store.load()) ?? current;
    if (!stored) throw new Error('oauthToken: the token store is empty');
    if (fresh(stored) && stored.accessToken !== current?.accessToken) return stored;
    const response = await fetchImpl(tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({
        client_id: clientId,
        client_secret: clientSecret,
        grant_type: 'refresh_token',
        refresh_token: stored.refreshToken,
        user_type: userType,
      }),
    });
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: string;
      refresh_token?: string;
      expires_in?: number;
    };
    if (!response.ok || !body.access_token || !body.refresh_token) throw uploadError('highlevel-auth');
    const next: OAuthTokens = {
      accessToken: body.access_token,
      refreshToken: body.refresh_token,
      expiresAt: now() + (body.expires_in ?? 86_399) * 1000,
    };
    await store.save(next);
    return next;
  }

  function refreshOnce(): Promise<OAuthTokens> {
    refreshing ??= doRefresh()
      .then((tokens) => (current = tokens))
      .finally(() => (refreshing = undefined));
    return refreshing;
  }

  const provider = async () => {
    if (!current) current = await store.load();
    if (fresh(current)) return current.accessToken;
    return (await refreshOnce()).accessToken;
  };
  return Object.assign(provider, { refresh: async () => (await refreshOnce()).accessToken });
}
