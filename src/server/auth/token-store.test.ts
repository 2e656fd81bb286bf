import { describe, expect, it } from 'vitest';
import { isUploadError } from '../../shared/upload-error.js';
import { memoryStore } from '../store/memory-store.js';
import { oauthToken } from './oauth-token.js';
import { sharedTokenStore } from './token-store.js';

const GOOD = { accessToken: 'access-1', refreshToken: 'refresh-1', expiresAt: 1_900_000_000_000 };

describe('the tokens kept in the shared store', () => {
  it('reads back what was saved, per location', async () => {
    const shared = memoryStore();
    const tokens = sharedTokenStore(shared);
    await tokens.save(GOOD, 'loc-a');
    expect(await tokens.load('loc-a')).toEqual(GOOD);
    expect(await tokens.load('loc-b')).toBeUndefined();
  });

  it('reads a damaged row (a field missing or of the wrong type) as no tokens, and the location as not installed', async () => {
    const shared = memoryStore();
    const tokens = sharedTokenStore(shared);
    const provider = oauthToken({ clientId: 'c', clientSecret: 's', shared, logger: {}, fetch: () => Promise.reject(new Error('no HighLevel here')) });
    const damaged = {
      'no access token': { refreshToken: 'r', expiresAt: GOOD.expiresAt },
      'numeric refresh token': { accessToken: 'a', refreshToken: 7, expiresAt: GOOD.expiresAt },
      'expiry as text': { accessToken: 'a', refreshToken: 'r', expiresAt: String(GOOD.expiresAt) },
    };
    for (const [name, row] of Object.entries(damaged)) {
      await shared.set('tokens:loc-d', JSON.stringify(row));
      expect(await tokens.load('loc-d'), name).toBeUndefined();
      const refused = await provider({ locationId: 'loc-d' }).catch((error: unknown) => error);
      expect(isUploadError(refused) && refused.code, name).toBe('app-not-installed');
    }
  });
});
