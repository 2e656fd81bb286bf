import { createHmac, timingSafeEqual } from 'node:crypto';
import { uploadError } from '../shared/upload-error.js';

/** The query parameter of a preview link. */
export const PREVIEW_PARAM = 'preview';

/** What a preview link vouches for: one stored file, of one location and conversation, until a time. */
export interface PreviewClaims {
  /** HighLevel's URL of the file. */
  url: string;
  locationId: string;
  conversationId: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

/**
 * A handle for `GET ?preview=`: the claims as base64url JSON, a dot, and their HMAC-SHA256 under
 * the server's secret. Nothing in it is secret (the URL was already the user's); the signature
 * is what makes it unforgeable, so that holding a file URL is no longer enough to read it with
 * the server's token.
 */
export function signPreview(claims: PreviewClaims, secret: string): string {
  const body = Buffer.from(JSON.stringify([claims.url, claims.locationId, claims.conversationId, claims.expiresAt])).toString(
    'base64url',
  );
  return `${body}.${mac(body, secret)}`;
}

/**
 * The claims of a handle this server signed, or 403: `preview-link-invalid` for anything
 * unsigned, tampered with or malformed, `preview-link-expired` for a good one past its time.
 */
export function verifyPreview(handle: string | null, secret: string, now = Date.now()): PreviewClaims {
  // Stryker disable next-line StringLiteral: a null handle splits into one part: no signature, refused either way
  const [body, signature, extra] = (handle ?? '').split('.');
  if (!body || !signature || extra !== undefined) throw uploadError('preview-link-invalid');
  const expected = Buffer.from(mac(body, secret));
  const given = Buffer.from(signature);
  // Compared in constant time: a timing difference must not reveal how much of a guess was right.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw uploadError('preview-link-invalid');
  const claims = parseClaims(body);
  if (claims.expiresAt * 1000 <= now) throw uploadError('preview-link-expired');
  return claims;
}

function mac(body: string, secret: string): string {
  return createHmac('sha256', secret).update(`ghl-attachments preview\n${body}`).digest('base64url');
}

function parseClaims(body: string): PreviewClaims {
  let value: unknown;
  try {
    // Stryker disable BlockStatement: value stays undefined, and the next line throws the same preview-link-invalid
    value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    // Stryker restore BlockStatement
    throw uploadError('preview-link-invalid');
  }
  if (!Array.isArray(value) || value.length !== 4) throw uploadError('preview-link-invalid');
  const [url, locationId, conversationId, expiresAt] = value as unknown[];
  if (typeof url !== 'string' || typeof locationId !== 'string' || typeof conversationId !== 'string' || typeof expiresAt !== 'number') {
    throw uploadError('preview-link-invalid');
  }
  return { url, locationId, conversationId, expiresAt };
}
