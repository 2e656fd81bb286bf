import { createDecipheriv, createHash } from 'node:crypto';
import { parseStrictJson } from './strict-json.js';

/** The user context HighLevel hands a Marketplace app's custom page, decrypted. */
export interface HighLevelUserContext {
  userId: string;
  companyId: string;
  /** What the payload claims; the session takes the role HighLevel's Users API answers. */
  role: 'admin' | 'user';
  type: 'agency' | 'location';
  userName?: string;
  email?: string;
  isAgencyOwner?: boolean;
  /** The sub-account the user is in; absent at agency level. */
  activeLocation?: string;
  versionId?: string;
  appStatus?: string;
}

/** Longest payload taken, in base64 characters: a user context is a few hundred bytes. */
export const MAX_SSO_PAYLOAD_LENGTH = 16 * 1024;

const MAGIC = Buffer.from('Salted__');

/**
 * OpenSSL's EVP_BytesToKey with MD5 and one round, as CryptoJS derives a passphrase's key:
 * D₁ = MD5(secret ‖ salt), Dᵢ = MD5(Dᵢ₋₁ ‖ secret ‖ salt), until 48 bytes; key = 32, IV = 16.
 */
export function bytesToKey(secret: Buffer, salt: Buffer): { key: Buffer; iv: Buffer } {
  const blocks: Buffer[] = [];
  let previous = Buffer.alloc(0);
  // Stryker disable next-line EqualityOperator: a 4th MD5 block that nothing reads: key and IV are bytes 0-48
  while (blocks.length * 16 < 48) {
    previous = createHash('md5').update(Buffer.concat([previous, secret, salt])).digest();
    blocks.push(previous);
  }
  const all = Buffer.concat(blocks);
  return { key: all.subarray(0, 32), iv: all.subarray(32, 48) };
}

/**
 * Decrypts HighLevel's `REQUEST_USER_DATA_RESPONSE` payload (CryptoJS passphrase mode: base64 of
 * "Salted__", an 8-byte salt and AES-256-CBC with PKCS#7 padding) with the app's Shared Secret.
 *
 * Returns `undefined` for every failure alike — not base64, no salt header, wrong length, bad
 * padding (wrong secret), not strict JSON, a field of the wrong shape — so that the caller
 * answers all of them the same way. The payload has no MAC: a caller that told bad padding apart
 * from bad JSON would be a padding oracle.
 */
export function decryptUserContext(payload: unknown, sharedSecret: string): HighLevelUserContext | undefined {
  if (typeof payload !== 'string' || payload.length > MAX_SSO_PAYLOAD_LENGTH || !/^[A-Za-z0-9+/]+={0,2}$/.test(payload)) return undefined;
  const raw = Buffer.from(payload, 'base64');
  // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator,ArithmeticOperator: final() refuses
  if (raw.length < 32 || (raw.length - 16) % 16 !== 0 || !raw.subarray(0, 8).equals(MAGIC)) return undefined;
  // Stryker disable next-line StringLiteral: Buffer.from(secret, '') falls back to UTF-8, the same bytes
  const { key, iv } = bytesToKey(Buffer.from(sharedSecret, 'utf8'), raw.subarray(8, 16));
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, iv);
    // Stryker disable BlockStatement: plain stays undefined, which userContextOf refuses as it refuses bad JSON
    plain = Buffer.concat([decipher.update(raw.subarray(16)), decipher.final()]);
  } catch {
    // Stryker restore BlockStatement
    return undefined;
  }
  return userContextOf(plain);
}

/** Ids of HighLevel (users, companies, locations, app versions): letters, digits, `-` and `_`. */
const ID = /^[A-Za-z0-9_-]{1,64}$/;
/** An address shaped like one: no spaces, quotes, brackets or controls, one `@`, a dot in the domain. */
const EMAIL = /^[^\s@"\\<>()[\],;:\p{C}]{1,64}@[^\s@"\\<>()[\],;:\p{C}]+\.[^\s@"\\<>()[\],;:\p{C}]+$/u;
/** A name a person reads: no controls, no format or unassigned characters besides the joiners emoji and scripts need. */
const PRINTABLE = /^(?:[^\p{C}]|\u200c|\u200d)*$/u;
const APP_STATUS = /^[A-Za-z_-]{1,32}$/;

/**
 * The user context, if every field HighLevel documents has its type and shape: ids by pattern,
 * `role` and `type` from their sets, `email` shaped like an address, `userName` printable. Keys
 * HighLevel may add later are let through (they are not read), but only after
 * {@link parseStrictJson} has refused duplicate keys and control characters anywhere. Together
 * these leave a rewritten block (16 random bytes landing in a string) almost no way to pass: it
 * would have to be 16 printable bytes, no quote or backslash among them, in valid UTF-8.
 */
function userContextOf(bytes: Buffer): HighLevelUserContext | undefined {
  const value = parseStrictJson(bytes);
  // Stryker disable next-line ConditionalExpression: a JSON number, string or boolean has no userId: refused below
  if (typeof value !== 'object' || value === null) return undefined;
  const context = value as Record<string, unknown>;
  const matches = (name: string, pattern: RegExp, required = false) =>
    context[name] === undefined ? !required : typeof context[name] === 'string' && pattern.test(context[name]);
  const valid =
    matches('userId', ID, true) &&
    matches('companyId', ID, true) &&
    (context.role === 'admin' || context.role === 'user') &&
    (context.type === 'agency' || context.type === 'location') &&
    matches('activeLocation', ID) &&
    matches('versionId', ID) &&
    matches('appStatus', APP_STATUS) &&
    // The length first: the pattern backtracks over a long domain.
    (typeof context.email !== 'string' || context.email.length <= 254) &&
    matches('email', EMAIL) &&
    matches('userName', PRINTABLE) &&
    (context.isAgencyOwner === undefined || typeof context.isAgencyOwner === 'boolean') &&
    (context.whitelabelDetails === undefined || (typeof context.whitelabelDetails === 'object' && context.whitelabelDetails !== null));
  if (!valid) return undefined;
  const pick = <K extends keyof HighLevelUserContext>(name: K) => (context[name] === undefined ? {} : { [name]: context[name] });
  return {
    userId: context.userId as string,
    companyId: context.companyId as string,
    role: context.role as HighLevelUserContext['role'],
    type: context.type as HighLevelUserContext['type'],
    ...pick('userName'),
    ...pick('email'),
    ...pick('isAgencyOwner'),
    ...pick('activeLocation'),
    ...pick('versionId'),
    ...pick('appStatus'),
  };
}
