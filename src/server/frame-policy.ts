/**
 * Origins HighLevel's own app is served from, which frame a Marketplace app's custom page. A
 * white-label agency serves the app from its own domain: add that one.
 */
export const HIGHLEVEL_APP_ORIGINS: readonly string[] = [
  'https://app.gohighlevel.com',
  'https://app.leadconnectorhq.com',
  'https://*.gohighlevel.com',
  'https://*.leadconnectorhq.com',
];

/**
 * The `Content-Security-Policy` for a page of the widget meant to be framed (`frame.html`): only
 * the page's own origin and `ancestors` may frame it, so that no other site can overlay it and
 * trick a user into dropping files (clickjacking). Default: HighLevel's app origins.
 */
export function frameAncestorsPolicy(ancestors: readonly string[] = HIGHLEVEL_APP_ORIGINS): string {
  for (const source of ancestors) {
    // A source is one token: a space or semicolon would add a directive of the caller's choosing.
    if (!/^https?:\/\/[A-Za-z0-9*.\-:[\]]+$/.test(source)) throw new TypeError(`frameAncestorsPolicy: "${source}" is not an origin`);
  }
  return `frame-ancestors 'self' ${ancestors.join(' ')}`.trim();
}
