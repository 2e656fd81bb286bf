import { staticToken, type UploadHandlerOptions } from './options.js';

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
