import { afterEach, describe, expect, it } from 'vitest';
import { fixture } from '../testing/fixtures.js';
import { formOf } from '../testing/multipart.js';
import { startStack, type Stack } from '../testing/start-stack.js';
import { oauthToken, type OAuthTokens, type TokenStore } from './oauth-token.js';

const APP = { clientId: 'client-1', clientSecret: 'secret-1', locationId: 'loc1' };

/** A store that remembers everything saved, like a database row with history. */
function memoryStore(initial: OAuthTokens): TokenStore & { saved: OAuthTokens[] } {
  let tokens = initial;
  const saved: OAuthTokens[] = [];
  return {
    saved,
    load: async () => tokens,
    save: async (next) => {
      await new Promise((wait) => setTimeout(wait, 5));
      tokens = next;
      saved.push(next);
    },
  };
}

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function stackWith(store: TokenStore, refreshToken = 'refresh-0') {
  // The provider needs the mock's URL, the BFF needs the provider: a holder breaks the circle.
  const holder: { provider?: ReturnType<typeof oauthToken> } = {};
  stack = await startStack({
    mock: { tokens: [{ token: 'old-access', locationId: 'loc1' }], oauth: { ...APP, refreshToken }, rateLimits: { max: 10_000 } },
    bff: {
      locationId: 'loc1',
      getToken: () => holder.provider!(),
    },
  });
  const provider = oauthToken({ clientId: APP.clientId, clientSecret: APP.clientSecret, store, tokenUrl: `${stack.mock.url}/oauth/token` });
  holder.provider = provider;
  return { stack, provider };
}

const upload = (s: Stack, name = 'a.png') =>
  fetch(s.endpoint, {
    method: 'POST',
    headers: { 'X-Requested-With': 'ghl-attachments' },
    body: formOf([['conversationId', 'c1'], { name, bytes: fixture('sample.png').bytes }]),
  });

describe('oauthToken', () => {
  it('uses the stored token while it is fresh, without refreshing', async () => {
    const store = memoryStore({ accessToken: 'old-access', refreshToken: 'refresh-0', expiresAt: Date.now() + 3_600_000 });
    const { stack } = await stackWith(store);
    expect((await upload(stack)).status).toBe(200);
    expect(stack.mock.stats.tokenRefreshes).toBe(0);
    expect(store.saved).toHaveLength(0);
  });

  it('refreshes ahead of expiry and stores the new refresh token before using the new access token', async () => {
    // Expires in two minutes: inside the five-minute margin.
    const store = memoryStore({ accessToken: 'old-access', refreshToken: 'refresh-0', expiresAt: Date.now() + 120_000 });
    const { stack } = await stackWith(store);
    expect((await upload(stack)).status).toBe(200);
    expect(stack.mock.stats.tokenRefreshes).toBe(1);
    expect(store.saved).toHaveLength(1);
    const [saved] = store.saved;
    expect(saved!.refreshToken).not.toBe('refresh-0');
    expect(saved!.accessToken).toMatch(/^mock-access-/);
    expect(saved!.expiresAt).toBeGreaterThan(Date.now() + 86_000_000);
  });

  it('refreshes once for many concurrent uploads', async () => {
    const store = memoryStore({ accessToken: 'old-access', refreshToken: 'refresh-0', expiresAt: Date.now() - 1000 });
    const { stack } = await stackWith(store);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => upload(stack, `f${i}.png`)));
    expect(answers.map((answer) => answer.status)).toEqual(Array(20).fill(200));
    expect(stack.mock.stats.tokenRefreshes).toBe(1);
    expect(store.saved).toHaveLength(1);
  });

  it('keeps working across refreshes, each time with the latest refresh token', async () => {
    const store = memoryStore({ accessToken: 'old-access', refreshToken: 'refresh-0', expiresAt: Date.now() - 1000 });
    const { stack, provider } = await stackWith(store);
    await provider.refresh();
    await provider.refresh();
    expect(stack.mock.stats.tokenRefreshes).toBe(2);
    expect((await upload(stack)).status).toBe(200);
    // The first refresh token was rotated away: HighLevel would refuse it now.
    const stale = await fetch(`${stack.mock.url}/oauth/token`, {
      method: 'POST',
      body: new URLSearchParams({ client_id: APP.clientId, client_secret: APP.clientSecret, grant_type: 'refresh_token', refresh_token: 'refresh-0' }),
    });
    expect(stale.status).toBe(401);
  });

  it('turns a refused refresh into highlevel-auth, with no secret in the answer', async () => {
    const store = memoryStore({ accessToken: 'old-access', refreshToken: 'revoked', expiresAt: Date.now() - 1000 });
    const { stack } = await stackWith(store, 'refresh-0');
    const answer = await upload(stack);
    const text = await answer.text();
    expect(answer.status).toBe(502);
    expect(JSON.parse(text).error.code).toBe('highlevel-auth');
    expect(text).not.toContain(APP.clientSecret);
    expect(text).not.toContain('revoked');
    expect(stack.mock.stats.uploadRequests).toBe(0);
  });
});
