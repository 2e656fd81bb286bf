/**
 * The URL when it is `http:` or `https:`, else `undefined`. A URL from the server is still data:
 * a `javascript:` or `data:` URL must never reach an `href` or `src`.
 */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
