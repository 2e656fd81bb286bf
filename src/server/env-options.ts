import { staticToken, type UploadHandlerOptions } from './options.js';

/** Environment variables the BFF reads. */
export interface HighLevelEnv {
  /** A Private Integration Token (or access token) of the sub-account. */
  GHL_TOKEN?: string;
  /** The sub-account's location id. */
  GHL_LOCATION_ID?: string;
  /** Overrides the API base URL. */
  GHL_API_BASE?: string;
  /** Comma-separated origins allowed to post besides the server's own. */
  GHL_ALLOWED_ORIGINS?: string;
}

/**
 * Handler options from `GHL_TOKEN`, `GHL_LOCATION_ID`, `GHL_API_BASE` and `GHL_ALLOWED_ORIGINS`;
 * `undefined` when no token is set. Throws when a token is set without a location.
 */
export function optionsFromEnv(env: HighLevelEnv = process.env): UploadHandlerOptions | undefined {
  if (!env.GHL_TOKEN) return undefined;
  if (!env.GHL_LOCATION_ID) throw new Error('GHL_TOKEN is set but GHL_LOCATION_ID is not: set both.');
  return {
    getToken: staticToken(env.GHL_TOKEN),
    locationId: env.GHL_LOCATION_ID,
    ...(env.GHL_API_BASE ? { apiBase: env.GHL_API_BASE } : {}),
    ...(env.GHL_ALLOWED_ORIGINS
      ? { allowedOrigins: env.GHL_ALLOWED_ORIGINS.split(',').map((origin) => origin.trim()).filter(Boolean) }
      : {}),
  };
}
