import { describe, expect, it } from 'vitest';
import { codeForStatus, isErrorCode } from './error-codes.js';

describe('error codes from the wire', () => {
  it('only a string that is one of our codes is a code, not anything that prints as one', () => {
    expect(isErrorCode('file-too-large')).toBe(true);
    expect(isErrorCode(['internal'])).toBe(false);
    expect(isErrorCode({ toString: () => 'internal' })).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
  });

  it('a bare status (a proxy’s page, a host server’s own answer) becomes the nearest code', () => {
    expect(codeForStatus(403)).toBe('forbidden-origin');
    expect(codeForStatus(415)).toBe('file-type-not-allowed');
    expect(codeForStatus(500)).toBe('highlevel-unavailable');
    expect(codeForStatus(499)).toBe('bad-request');
    expect(codeForStatus(400)).toBe('bad-request');
    // A redirect or a success without our body is not the client's fault.
    expect(codeForStatus(302)).toBe('internal');
    expect(codeForStatus(200)).toBe('internal');
  });
});
