/**
 * Origins HighLevel's own app is served from, which frame a Marketplace app's custom page and
 * answer its SSO handshake. A white-label agency serves the app from its own domain: add that one.
 */
export const HIGHLEVEL_APP_ORIGINS: readonly string[] = [
  'https://app.gohighlevel.com',
  'https://app.leadconnectorhq.com',
  'https://*.gohighlevel.com',
  'https://*.leadconnectorhq.com',
];

/**
 * Whether `origin` is `pattern`, or matches a `scheme://*.domain` pattern (any subdomain of
 * `domain`, on the default port), as `frame-ancestors` reads it.
 */
export function originMatches(origin: string, pattern: string): boolean {
  if (origin === pattern) return true;
  const wildcard = /^(https?):\/\/\*\.([a-z0-9.-]+)$/i.exec(pattern);
  if (!wildcard) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return url.protocol === `${wildcard[1]!.toLowerCase()}:` && url.port === '' && url.hostname.endsWith(`.${wildcard[2]!.toLowerCase()}`);
}
