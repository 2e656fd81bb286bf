/**
 * The URL when it is `http:` or `https:`, else `undefined`. A URL from the server is still data:
 * a `javascript:` or `data:` URL must never reach an `href` or `src`.
 */
export function safeUrl(url: string | undefined): string | undefined {
  // Stryker disable next-line ConditionalExpression: new URL('') throws, and the catch answers undefined too
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    // Stryker disable BlockStatement: an empty catch falls through to the end, undefined too
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    // Stryker restore BlockStatement
    return undefined;
  }
}
