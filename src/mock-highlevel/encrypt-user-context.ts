import { createCipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Encrypts a user context the way HighLevel does for `REQUEST_USER_DATA_RESPONSE` (CryptoJS's
 * passphrase mode): base64 of "Salted__", a random 8-byte salt, and AES-256-CBC (PKCS#7) under
 * a key and IV from OpenSSL's EVP_BytesToKey (MD5, one round) over the Shared Secret and salt.
 * `openssl enc -aes-256-cbc -md md5 -a -d -pass pass:SECRET` reads it back.
 */
export function encryptUserContext(context: unknown, sharedSecret: string, salt: Buffer = randomBytes(8)): string {
  const secret = Buffer.from(sharedSecret, 'utf8');
  let derived = Buffer.alloc(0);
  let previous = Buffer.alloc(0);
  while (derived.length < 48) {
    previous = createHash('md5').update(Buffer.concat([previous, secret, salt])).digest();
    derived = Buffer.concat([derived, previous]);
  }
  const cipher = createCipheriv('aes-256-cbc', derived.subarray(0, 32), derived.subarray(32, 48));
  const body = Buffer.concat([cipher.update(JSON.stringify(context), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from('Salted__'), salt, body]).toString('base64');
}
