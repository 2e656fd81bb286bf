import { HIGHLEVEL_APP_ORIGINS } from '../shared/highlevel-origins.js';

export { HIGHLEVEL_APP_ORIGINS };

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
