import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isUploadError } from '../shared/upload-error.js';
import { signPreview, verifyPreview, type PreviewClaims } from './preview-link.js';

const SECRET = 'preview-edges-secret-0123456789-abcdefghij';

/** A link signed with the server's secret over any body: what only a leaked secret could make. */
function signedBody(json: string, secret = SECRET): string {
  const body = Buffer.from(json).toString('base64url');
  const mac = createHmac('sha256', secret).update(`ghl-attachments preview\n${body}`).digest('base64url');
  return `${body}.${mac}`;
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isUploadError(error)) return error.code;
    return `not an UploadError: ${String(error)}`;
  }
  return 'accepted';
}

describe('verifyPreview: a signature is not enough, the claims must have the right shape', () => {
  const later = Math.floor(Date.now() / 1000) + 3600;
  const malformed: [string, string][] = [
    ['signed text that is not JSON', 'not json at all'],
    ['an object instead of the claims list', '{"url":"https://x/files/a","locationId":"l","conversationId":"c","expiresAt":1}'],
    ['an object posing as a list of four', '{"length":4}'],
    ['five claims instead of four', JSON.stringify(['https://x/files/a', 'loc', 'conv', later, 'extra'])],
    ['three claims instead of four', JSON.stringify(['https://x/files/a', 'loc', 'conv'])],
    ['a URL that is not a string', JSON.stringify([42, 'loc', 'conv', later])],
    ['a location that is not a string', JSON.stringify(['https://x/files/a', ['loc'], 'conv', later])],
    ['a conversation that is not a string', JSON.stringify(['https://x/files/a', 'loc', null, later])],
    ['an expiry that is not a number', JSON.stringify(['https://x/files/a', 'loc', 'conv', String(later)])],
  ];

  it.each(malformed)('refuses %s as preview-link-invalid', (_, json) => {
    expect(codeOf(() => verifyPreview(signedBody(json), SECRET))).toBe('preview-link-invalid');
  });

  it('accepts well-formed claims signed the same way (the refusals above are about shape alone)', () => {
    expect(verifyPreview(signedBody(JSON.stringify(['https://x/files/a', 'loc', 'conv', later])), SECRET)).toEqual({
      url: 'https://x/files/a',
      locationId: 'loc',
      conversationId: 'conv',
      expiresAt: later,
    });
  });

  it('is expired from the very second of its expiry, and valid the millisecond before', () => {
    const claims: PreviewClaims = { url: 'https://x/files/a', locationId: 'loc', conversationId: 'conv', expiresAt: 1_900_000_000 };
    const handle = signPreview(claims, SECRET);
    expect(verifyPreview(handle, SECRET, 1_900_000_000_000 - 1)).toEqual(claims);
    expect(codeOf(() => verifyPreview(handle, SECRET, 1_900_000_000_000))).toBe('preview-link-expired');
  });
});
