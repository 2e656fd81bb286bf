import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sessionKey, signSession, verifySession, type HighLevelSessionUser } from './session-token.js';

const SECRET = 'the-apps-shared-secret-0123456789';
const KEY = sessionKey(SECRET);
const NOW = 1_800_000_000_000;
const USER: HighLevelSessionUser = { userId: 'u1', companyId: 'c1', locationId: 'loc-a', role: 'admin', type: 'location' };

/**
 * The token format as documented (session-token.ts): base64url of the JSON array
 * `[1, userId, companyId, locationId, role, type, expiresAt]`, a dot, and its HMAC-SHA256 under
 * the session key (itself the HMAC of a fixed label under the Shared Secret). Written here apart
 * from the code, as another release or another instance of the same app would write it.
 */
function tokenOf(fields: unknown, secret = SECRET): string {
  const key = createHmac('sha256', secret).update('ghl-attachments session key v1').digest();
  const body = Buffer.from(JSON.stringify(fields)).toString('base64url');
  return `${body}.${createHmac('sha256', key).update(`ghl-attachments session\n${body}`).digest('base64url')}`;
}

describe('session tokens, as an attacker or another instance would present them', () => {
  it('accepts a token written to the documented format by another instance with the same Shared Secret', () => {
    const token = tokenOf([1, 'u1', 'c1', 'loc-a', 'admin', 'location', NOW + 60_000]);
    expect(verifySession(token, KEY, NOW)).toEqual(USER);
    // And the other way round: what this instance signs, the documented format reads.
    expect(signSession(USER, NOW + 60_000, KEY)).toBe(token);
  });

  it('refuses a token whose body was edited to another location, even though its signature is genuine', () => {
    const genuine = signSession(USER, NOW + 60_000, KEY);
    const [, signature] = genuine.split('.');
    const other = Buffer.from(JSON.stringify([1, 'u1', 'c1', 'loc-victim', 'admin', 'location', NOW + 60_000])).toString('base64url');
    expect(verifySession(`${other}.${signature}`, KEY, NOW)).toBeUndefined();
  });

  it('refuses a genuine token with anything appended after a further dot', () => {
    const genuine = signSession(USER, NOW + 60_000, KEY);
    expect(verifySession(genuine, KEY, NOW)).toEqual(USER);
    expect(verifySession(`${genuine}.x`, KEY, NOW)).toBeUndefined();
    expect(verifySession(`${genuine}.`, KEY, NOW)).toBeUndefined();
  });

  it('refuses a correctly signed token of another shape or version', () => {
    const later = NOW + 60_000;
    for (const fields of [
      [2, 'u1', 'c1', 'loc-a', 'admin', 'location', later],
      [1, 'u1', 'c1', 'loc-a', 'admin', 'location', later, 'extra'],
      [1, 'u1', 'c1', 'loc-a', 'admin', 'location'],
      // Array-like, not an array.
      { 0: 1, 1: 'u1', 2: 'c1', 3: 'loc-a', 4: 'admin', 5: 'location', 6: later, length: 7 },
      // An expiry that is not a number, however far it looks.
      [1, 'u1', 'c1', 'loc-a', 'admin', 'location', String(later)],
    ]) {
      expect(verifySession(tokenOf(fields), KEY, NOW), JSON.stringify(fields)).toBeUndefined();
    }
  });

  it('is expired from the very millisecond it ends', () => {
    const token = signSession(USER, NOW, KEY);
    expect(verifySession(token, KEY, NOW - 1)).toEqual(USER);
    expect(verifySession(token, KEY, NOW)).toBe('expired');
  });

  it('keeps an agency user an agency user, and makes any other type a location user', () => {
    expect(verifySession(signSession({ ...USER, type: 'agency' }, NOW + 1000, KEY), KEY, NOW)).toEqual({ ...USER, type: 'agency' });
    expect(verifySession(signSession(USER, NOW + 1000, KEY), KEY, NOW)).toEqual(USER);
    expect(verifySession(tokenOf([1, 'u1', 'c1', 'loc-a', 'admin', 'superuser', NOW + 1000]), KEY, NOW)).toEqual(USER);
  });

  it('reads a token of up to 2,048 characters, and refuses a longer one even when genuinely signed', () => {
    // base64url(body) + '.' + 43 signature characters; the user id sets the length.
    const sized = (length: number) => {
      for (let pad = 0; pad < 2048; pad += 1) {
        const token = signSession({ ...USER, userId: 'u'.repeat(pad) }, NOW + 1000, KEY);
        if (token.length === length) return { token, userId: 'u'.repeat(pad) };
      }
      throw new Error(`no token of ${length} characters`);
    };
    const longest = sized(2048);
    expect(verifySession(longest.token, KEY, NOW)).toEqual({ ...USER, userId: longest.userId });
    const tooLong = sized(2052);
    expect(verifySession(tooLong.token, KEY, NOW)).toBeUndefined();
  });
});
