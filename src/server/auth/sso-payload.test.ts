/**
 * The strict reading of the decrypted user context: one test per rule, each with a payload that
 * only that rule refuses (the rest of the context is genuine), and genuine payloads that pass.
 */
import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mockUserContext, encryptUserContext } from '../../mock-highlevel/index.js';
import { bytesToKey, decryptUserContext, MAX_SSO_PAYLOAD_LENGTH } from './sso-payload.js';

const SECRET = 'the-apps-shared-secret-0123456789';
const USER = mockUserContext('loc-a');

/** Encrypts these exact bytes as HighLevel does (CryptoJS passphrase mode), whatever they are. */
function sealBytes(plain: Buffer): string {
  const salt = randomBytes(8);
  const { key, iv } = bytesToKey(Buffer.from(SECRET), salt);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([Buffer.from('Salted__'), salt, cipher.update(plain), cipher.final()]).toString('base64');
}
const sealText = (text: string) => sealBytes(Buffer.from(text, 'utf8'));
const seal = (context: object) => sealText(JSON.stringify(context));
const read = (payload: string) => decryptUserContext(payload, SECRET);

describe('the user context, read strictly', () => {
  it('takes a genuine context: names in any script, emoji with joiners, HighLevel’s white-label details, fields it does not know', () => {
    expect(read(seal(USER))).toEqual(USER);
    // A name may hold what a forged block would spell: escaped, it stays inside the name.
    for (const userName of ['Zoë Café', '報告 担当', 'Ana 👩🏽‍💻', 'Dr. O’Brien-Smith (sales)', '', '", "role":"admin', 'a\\","userId":"x']) {
      expect(read(seal({ ...USER, userName }))?.userName, userName).toBe(userName);
    }
    const agency = { ...USER, type: 'agency', activeLocation: undefined, whitelabelDetails: { domain: 'app.agency.example', logoUrl: 'https://x.example/l.png' } };
    expect(read(seal(agency))).toMatchObject({ userId: USER.userId, type: 'agency' });
    expect(read(seal({ ...USER, someFieldAddedLater: { nested: ['a', 1, true, null] } }))).toEqual(USER);
    // The same key in two different objects is no duplicate; a value that reads like a key is a value.
    expect(read(seal({ ...USER, whitelabelDetails: { userId: 'x', role: ['role', 'userId'] } }))).toEqual(USER);
  });

  it('takes a context with only the fields HighLevel always sends: every other one is optional', () => {
    const { userId, companyId, role, type } = USER;
    expect(read(seal({ userId, companyId, role, type }))).toEqual({ userId, companyId, role, type });
  });

  it('refuses bytes that are not UTF-8 (decoded fatally: a broken sequence is not a name character)', () => {
    for (const bad of [[0xff], [0xc3, 0x28], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xc0, 0xaf]]) {
      const bytes = Buffer.from(JSON.stringify({ ...USER, userName: 'Mock ~' }));
      const at = bytes.indexOf('~');
      const plain = Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at + 1)]);
      expect(read(sealBytes(plain)), bad.join(',')).toBeUndefined();
    }
  });

  it('refuses a key twice, at the top and in a nested object (JSON.parse would keep the last)', () => {
    const text = JSON.stringify(USER);
    for (const twice of [
      text.replace('"role":"admin"', '"role":"user","role":"admin"'),
      text.replace('"userName"', '"userId":"u-other","userName"'),
      text.replace('"userName"', '"userName":"a","userName"'),
      text.replace('}', ',"whitelabelDetails":{"domain":"a","domain":"b"}}'),
      // The same key spelled with an escape is the same key.
      text.replace('"role":"admin"', '"role":"user","r\\u006fle":"admin"'),
    ]) {
      expect(read(sealText(twice)), twice).toBeUndefined();
    }
  });

  it('refuses a control character in any string, raw (where JSON allows it) or escaped, value or key', () => {
    for (const value of ['a\u0085b', 'a\u007fb', 'a\u0000b', 'a\u001bb', 'a\ud800b']) {
      // In a field no other rule looks at: only the control-character rule can refuse it.
      expect(read(seal({ ...USER, whitelabelDetails: { domain: value } })), JSON.stringify(value)).toBeUndefined();
      expect(read(seal({ ...USER, whitelabelDetails: { [value]: 'x' } })), JSON.stringify(value)).toBeUndefined();
    }
    expect(read(sealText(JSON.stringify(USER).replace('}', ',"note":"a\\u0007b"}')))).toBeUndefined();
  });

  it('refuses ids that are not HighLevel ids', () => {
    for (const field of ['userId', 'companyId', 'activeLocation', 'versionId'] as const) {
      for (const value of ['', 'a b', 'u"x', 'a/b', 'x'.repeat(65), 'ü', 7]) {
        expect(read(seal({ ...USER, [field]: value })), `${field} ${JSON.stringify(value)}`).toBeUndefined();
      }
      expect(read(seal({ ...USER, [field]: 'Ab_9-'.repeat(12).slice(0, 64) })), field).toBeDefined();
    }
    expect(read(seal({ ...USER, userId: undefined }))).toBeUndefined();
    expect(read(seal({ ...USER, companyId: undefined }))).toBeUndefined();
  });

  it('refuses a role or a type outside HighLevel’s', () => {
    for (const role of ['Admin', 'readonly', 'admin ', '', 1, undefined]) {
      expect(read(seal({ ...USER, role })), String(role)).toBeUndefined();
    }
    expect(read(seal({ ...USER, role: 'user' }))?.role).toBe('user');
    for (const type of ['account', 'Location', '', undefined]) {
      expect(read(seal({ ...USER, type })), String(type)).toBeUndefined();
    }
  });

  it('refuses an email not shaped like one', () => {
    for (const email of ['', 'mock.user', 'a@b', 'a b@c.de', 'a@@b.de', 'a"b@c.de', `${'a'.repeat(250)}@b.de`, `${'a'.repeat(60)}@${'b'.repeat(191)}.de`, 'a@b.de\u00a0x\u200b']) {
      expect(read(seal({ ...USER, email })), email.slice(0, 20)).toBeUndefined();
    }
    expect(read(seal({ ...USER, email: 'zoë+tag@sub.example.co' }))?.email).toBe('zoë+tag@sub.example.co');
    // 254 characters, the longest address there is, and one more.
    const longest = `${'a'.repeat(60)}@${'b'.repeat(190)}.de`;
    expect(longest).toHaveLength(254);
    expect(read(seal({ ...USER, email: longest }))?.email).toBe(longest);
  });

  it('refuses a user name that is not printable (format, private-use, unassigned characters)', () => {
    for (const userName of ['Mock\u202eresU', 'a\u00adb', 'a\u2060b', 'a\ue000b', 'a\u{e0041}b', 'a\u0378b']) {
      expect(read(seal({ ...USER, userName })), JSON.stringify(userName)).toBeUndefined();
    }
  });

  it('refuses fields of the wrong type: isAgencyOwner, appStatus, whitelabelDetails; and a context that is not an object', () => {
    for (const context of [
      { ...USER, isAgencyOwner: 'false' },
      { ...USER, appStatus: 'Live!' },
      { ...USER, whitelabelDetails: 'x' },
      { ...USER, whitelabelDetails: null },
    ]) {
      expect(read(seal(context)), JSON.stringify(context).slice(-40)).toBeUndefined();
    }
    expect(read(seal([USER]))).toBeUndefined();
  });
});

describe('the SSO payload, at its bounds and in odd shapes (sealed as the mock seals it)', () => {
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
});
