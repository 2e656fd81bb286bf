import { createHmac, timingSafeEqual } from 'node:crypto';

/** The user a session speaks for: who, in which agency and sub-account, with which role. */
export interface HighLevelSessionUser {
  userId: string;
  companyId: string;
  /** The sub-account (HighLevel location) uploads go to: the user's `activeLocation` at sign-in. */
  locationId: string;
  role: string;
  type: 'agency' | 'location';
}

/** The session key, derived from the Shared Secret: every instance that has the secret has it. */
export function sessionKey(sharedSecret: string): Buffer {
  // Stryker disable next-line StringLiteral: any label derives a key; sessions are signed and checked with the same
  return createHmac('sha256', sharedSecret).update('ghl-attachments session key v1').digest();
}

/**
 * A session token: the user and expiry as base64url JSON, a dot, and their HMAC-SHA256 under the
 * session key. Stateless, so that any instance behind the load balancer can check it with no
 * shared store; short-lived, since nothing can revoke it before then.
 */
export function signSession(user: HighLevelSessionUser, expiresAt: number, key: Buffer): string {
  const body = Buffer.from(JSON.stringify([1, user.userId, user.companyId, user.locationId, user.role, user.type, expiresAt])).toString(
    'base64url',
  );
  return `${body}.${mac(body, key)}`;
}

/** The session's user; `'expired'` for a genuine one past its time; `undefined` for anything else. */
export function verifySession(token: string, key: Buffer, now = Date.now()): HighLevelSessionUser | 'expired' | undefined {
  if (token.length > 2048) return undefined;
  const [body, signature, extra] = token.split('.');
  // Stryker disable next-line ConditionalExpression,LogicalOperator: no body or signature fails the signature check
  if (!body || !signature || extra !== undefined) return undefined;
  const expected = Buffer.from(mac(body, key));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let value: unknown;
  try {
    // Stryker disable BlockStatement: value stays undefined, and the next line returns undefined as the catch does
    value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    // Stryker restore BlockStatement
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 7 || value[0] !== 1) return undefined;
  const [, userId, companyId, locationId, role, type, expiresAt] = value as unknown[];
  if (typeof expiresAt !== 'number') return undefined;
  if (expiresAt <= now) return 'expired';
  return {
    userId: String(userId),
    companyId: String(companyId),
    locationId: String(locationId),
    role: String(role),
    type: type === 'agency' ? 'agency' : 'location',
  };
}

function mac(body: string, key: Buffer): string {
  return createHmac('sha256', key).update(`ghl-attachments session\n${body}`).digest('base64url');
}
