import { oauthToken } from './auth/oauth-token.js';
import { DEFAULT_API_BASE, staticToken, type Logger, type UploadHandlerOptions } from './options.js';
import { memoryStore } from './store/memory-store.js';
import { redisStore } from './store/redis-store.js';

/** Environment variables the BFF reads. */
export interface HighLevelEnv {
  /** A Private Integration Token (or access token) of the sub-account. */
  GHL_TOKEN?: string;
  /** The sub-account's location id. */
  GHL_LOCATION_ID?: string;
  /** Overrides the API base URL. */
  GHL_API_BASE?: string;
  /** Comma-separated origins allowed to use the route besides the server's own. */
  GHL_ALLOWED_ORIGINS?: string;
  /** `anyone`: the explicit opt-out of authorization (demos, or behind an authenticating proxy). */
  GHL_AUTHORIZE?: string;
  /** The server's origin as browsers see it (behind a proxy). */
  GHL_PUBLIC_ORIGIN?: string;
  /** The secret that signs preview links; the same on every instance. */
  GHL_PREVIEW_SECRET?: string;
  /** A Marketplace app's Shared Secret: turns HighLevel's SSO on. */
  GHL_SSO_SHARED_SECRET?: string;
  /** A Marketplace app's client id and secret: tokens per location, installed through the callback route. */
  GHL_CLIENT_ID?: string;
  GHL_CLIENT_SECRET?: string;
  /** The redirect URL registered for the app, when it is not this server's own callback URL. */
  GHL_REDIRECT_URI?: string;
  /** Redis for what instances share (tokens, refresh locks, rate windows). Unset: this process's memory. */
  GHL_REDIS_URL?: string;
}

/** Handler options read from the environment; `authorize` is set only by `GHL_AUTHORIZE=anyone`. */
export type EnvOptions = Omit<UploadHandlerOptions, 'authorize'> & Partial<Pick<UploadHandlerOptions, 'authorize'>>;

/**
 * Handler options from `GHL_TOKEN`, `GHL_LOCATION_ID`, `GHL_API_BASE`, `GHL_ALLOWED_ORIGINS`,
 * `GHL_AUTHORIZE`, `GHL_PUBLIC_ORIGIN` and `GHL_PREVIEW_SECRET`; `undefined` when no token is
 * set. Throws when a token is set without a location, or `GHL_AUTHORIZE` holds anything but
 * `anyone`. Authorization itself cannot come from the environment: pass your own `authorize`
 * unless `GHL_AUTHORIZE=anyone` says that everyone may upload.
 */
export function optionsFromEnv(env: HighLevelEnv = process.env): EnvOptions | undefined {
  if (!env.GHL_TOKEN) return undefined;
  if (!env.GHL_LOCATION_ID) throw new Error('GHL_TOKEN is set but GHL_LOCATION_ID is not: set both.');
  if (env.GHL_AUTHORIZE && env.GHL_AUTHORIZE !== 'anyone') {
    throw new Error(`GHL_AUTHORIZE may only be "anyone" (the explicit opt-out); it is "${env.GHL_AUTHORIZE}".`);
  }
  return {
    getToken: staticToken(env.GHL_TOKEN),
    locationId: env.GHL_LOCATION_ID,
    ...(env.GHL_API_BASE ? { apiBase: env.GHL_API_BASE } : {}),
    ...(env.GHL_AUTHORIZE === 'anyone' ? { authorize: 'anyone' as const } : {}),
    ...deploymentFromEnv(env),
  };
}

/**
 * The options about where the route is deployed, which hold with or without a token:
 * `GHL_ALLOWED_ORIGINS`, `GHL_PUBLIC_ORIGIN`, `GHL_PREVIEW_SECRET`.
 */
export function deploymentFromEnv(env: HighLevelEnv = process.env): Pick<UploadHandlerOptions, 'allowedOrigins' | 'publicOrigin' | 'previewSecret'> {
  return {
    ...(env.GHL_ALLOWED_ORIGINS ? { allowedOrigins: listOf(env.GHL_ALLOWED_ORIGINS) } : {}),
    ...(env.GHL_PUBLIC_ORIGIN ? { publicOrigin: env.GHL_PUBLIC_ORIGIN } : {}),
    ...(env.GHL_PREVIEW_SECRET ? { previewSecret: env.GHL_PREVIEW_SECRET } : {}),
  };
}

/** `a, b,,c` → `['a', 'b', 'c']`. */
export function listOf(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** What {@link appOptionsFromEnv} gives: the options of a Marketplace app, and its shared store. */
export type AppEnvOptions = Pick<UploadHandlerOptions, 'sharedStore' | 'highLevelSso' | 'install'> & Partial<Pick<UploadHandlerOptions, 'getToken'>>;

/**
 * A Marketplace app's options from `GHL_REDIS_URL` (the shared store: Redis, else memory),
 * `GHL_SSO_SHARED_SECRET` (SSO sessions) and `GHL_CLIENT_ID` / `GHL_CLIENT_SECRET` (tokens per
 * location, refreshed under the shared lock, installed at `{route}/oauth/callback`;
 * `GHL_REDIRECT_URI` when the registered URL is another). Connects to Redis first, so that a
 * wrong URL stops the start.
 */
export async function appOptionsFromEnv(env: HighLevelEnv = process.env, logger: Logger = console): Promise<AppEnvOptions> {
  if (Boolean(env.GHL_CLIENT_ID) !== Boolean(env.GHL_CLIENT_SECRET)) throw new Error('Set both GHL_CLIENT_ID and GHL_CLIENT_SECRET, or neither.');
  const sharedStore = env.GHL_REDIS_URL ? await redisStore({ url: env.GHL_REDIS_URL, logger }) : memoryStore();
  const apiBase = (env.GHL_API_BASE || DEFAULT_API_BASE).replace(/\/+$/, '');
  const app =
    // Stryker disable next-line LogicalOperator: the first line throws unless both or neither are set: && and || agree
    env.GHL_CLIENT_ID && env.GHL_CLIENT_SECRET
      ? oauthToken({ clientId: env.GHL_CLIENT_ID, clientSecret: env.GHL_CLIENT_SECRET, shared: sharedStore, tokenUrl: `${apiBase}/oauth/token`, logger })
      : undefined;
  return {
    sharedStore,
    ...(env.GHL_SSO_SHARED_SECRET ? { highLevelSso: { sharedSecret: env.GHL_SSO_SHARED_SECRET } } : {}),
    ...(app ? { getToken: app, install: { app, ...(env.GHL_REDIRECT_URI ? { redirectUri: env.GHL_REDIRECT_URI } : {}) } } : {}),
  };
}
