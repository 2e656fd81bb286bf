import type { SharedStore } from '../store/shared-store.js';

/** A sub-account's OAuth tokens as the BFF keeps them. */
export interface OAuthTokens {
  accessToken: string;
  refreshToken: string;
  /** When the access token stops working, in ms since the epoch. */
  expiresAt: number;
}

/**
 * Where each location's tokens live between refreshes: a database table keyed by location, a
 * secrets manager, or the shared store (`sharedTokenStore`). HighLevel hands out a new refresh
 * token with every refresh and the old one dies at once, so `save` must keep each new pair
 * before it is used; a `save` that throws stops the pair from being used.
 *
 * A store written for one location (`load()` and `save(tokens)`) still fits: the arguments can
 * be ignored.
 */
export interface TokenStore {
  load(locationId: string): OAuthTokens | undefined | Promise<OAuthTokens | undefined>;
  save(tokens: OAuthTokens, locationId: string): void | Promise<void>;
}

/** The tokens of every location in the shared store (memory or Redis), under `tokens:{locationId}`. */
export function sharedTokenStore(store: SharedStore): TokenStore {
  return {
    async load(locationId) {
      const text = await store.get(`tokens:${locationId}`);
      if (text === undefined) return undefined;
      const value = JSON.parse(text) as Partial<OAuthTokens>;
      if (typeof value.accessToken !== 'string' || typeof value.refreshToken !== 'string' || typeof value.expiresAt !== 'number') {
        return undefined;
      }
      return { accessToken: value.accessToken, refreshToken: value.refreshToken, expiresAt: value.expiresAt };
    },
    async save(tokens, locationId) {
      await store.set(`tokens:${locationId}`, JSON.stringify(tokens));
    },
  };
}
