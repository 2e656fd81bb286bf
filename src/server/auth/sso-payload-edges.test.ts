import { describe, expect, it } from 'vitest';
import { encryptUserContext, mockUserContext } from '../../mock-highlevel/index.js';
import { MAX_SSO_PAYLOAD_LENGTH, decryptUserContext } from './sso-payload.js';

const SECRET = 'the-apps-shared-secret-0123456789';
const USER = mockUserContext('loc-a');
const seal = (context: unknown) => encryptUserContext(context, SECRET);

/** A genuine payload of exactly `length` base64 characters (padding the user name). */
function payloadOfLength(length: number): { payload: string; userName: string } {
  for (let pad = 0; pad < 20_000; pad += 16) {
    const userName = 'n'.repeat(pad);
    const payload = seal({ ...USER, userName });
    if (payload.length === length) return { payload, userName };
    if (payload.length > length) break;
  }
  throw new Error(`no payload of ${length} characters`);
}

describe('the SSO payload, at its bounds and in odd shapes', () => {
  it('takes a genuine payload of exactly the longest length, and refuses a genuine one just longer', () => {
    const longest = payloadOfLength(MAX_SSO_PAYLOAD_LENGTH);
    expect(decryptUserContext(longest.payload, SECRET)).toEqual({ ...USER, userName: longest.userName });
    const longer = seal({ ...USER, userName: `${longest.userName}${'n'.repeat(16)}` });
    expect(longer.length).toBeGreaterThan(MAX_SSO_PAYLOAD_LENGTH);
    expect(decryptUserContext(longer, SECRET)).toBeUndefined();
  });

  it('takes strict base64 only: nothing before or after the payload', () => {
    const good = seal(USER);
    expect(decryptUserContext(good, SECRET)).toEqual(USER);
    for (const payload of [` ${good}`, `\n${good}`, `${good}\n`, `${good} `, `${good}!`, `#${good}`]) {
      expect(decryptUserContext(payload, SECRET), JSON.stringify(payload.slice(0, 3))).toBeUndefined();
    }
  });

  it('reads an agency user as an agency user, and refuses a user of an unknown type', () => {
    const agency = { ...USER, type: 'agency', activeLocation: undefined };
    expect(decryptUserContext(seal(agency), SECRET)).toEqual({ ...agency, activeLocation: undefined });
    expect(decryptUserContext(seal(agency), SECRET)).not.toHaveProperty('activeLocation');
    expect(decryptUserContext(seal({ ...USER, type: 'superuser' }), SECRET)).toBeUndefined();
    expect(decryptUserContext(seal({ ...USER, type: '' }), SECRET)).toBeUndefined();
  });

  it('refuses a context without a user id, a company id or a type, or with one that is not a string', () => {
    for (const context of [
      { ...USER, userId: undefined },
      { ...USER, companyId: undefined },
      { ...USER, type: undefined },
      { ...USER, userId: 42 },
      { ...USER, companyId: ['c'] },
      { ...USER, userId: '' },
    ]) {
      expect(decryptUserContext(seal(context), SECRET), JSON.stringify(context)).toBeUndefined();
    }
  });

  it('gives nothing (and does not throw) for a JSON null, number or string', () => {
    for (const value of [null, 7, 'a user']) {
      expect(decryptUserContext(seal(value), SECRET)).toBeUndefined();
    }
  });

  it('refuses a user without a role, and optional fields of the wrong type (strict: nothing is dropped quietly)', () => {
    for (const context of [
      { ...USER, role: undefined },
      { ...USER, email: 42 },
      { ...USER, isAgencyOwner: 'yes' },
      { ...USER, userName: null },
      { ...USER, appStatus: {} },
    ]) {
      expect(decryptUserContext(seal(context), SECRET), JSON.stringify(context)).toBeUndefined();
    }
  });
});
