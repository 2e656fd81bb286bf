import { createDecipheriv, createHash } from 'node:crypto';

/** The user context HighLevel hands a Marketplace app's custom page, decrypted. */
export interface HighLevelUserContext {
  userId: string;
  companyId: string;
  role: string;
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
 * padding (wrong secret), not JSON, not a user — so that the caller answers all of them the same
 * way. The payload has no MAC: a caller that told bad padding apart from bad JSON would be a
 * padding oracle.
 */
export function decryptUserContext(payload: unknown, sharedSecret: string): HighLevelUserContext | undefined {
  if (typeof payload !== 'string' || payload.length > MAX_SSO_PAYLOAD_LENGTH || !/^[A-Za-z0-9+/]+={0,2}$/.test(payload)) return undefined;
  const raw = Buffer.from(payload, 'base64');
  if (raw.length < 32 || (raw.length - 16) % 16 !== 0 || !raw.subarray(0, 8).equals(MAGIC)) return undefined;
  const { key, iv } = bytesToKey(Buffer.from(sharedSecret, 'utf8'), raw.subarray(8, 16));
  let text: string;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, iv);
    text = Buffer.concat([decipher.update(raw.subarray(16)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
  return userContextOf(text);
}

function userContextOf(text: string): HighLevelUserContext | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const context = value as Record<string, unknown>;
  const text_ = (name: string) => (typeof context[name] === 'string' && context[name] !== '' ? (context[name] as string) : undefined);
  const userId = text_('userId');
  const companyId = text_('companyId');
  const type = context.type === 'agency' || context.type === 'location' ? context.type : undefined;
  if (!userId || !companyId || !type) return undefined;
  const optional = <T>(name: string, kind: string) => (typeof context[name] === kind ? { [name]: context[name] as T } : {});
  return {
    userId,
    companyId,
    type,
    role: text_('role') ?? '',
    ...optional<string>('userName', 'string'),
    ...optional<string>('email', 'string'),
    ...optional<boolean>('isAgencyOwner', 'boolean'),
    ...(text_('activeLocation') ? { activeLocation: text_('activeLocation') } : {}),
    ...optional<string>('versionId', 'string'),
    ...optional<string>('appStatus', 'string'),
  };
}
