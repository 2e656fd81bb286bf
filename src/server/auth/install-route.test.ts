import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../testing/start-stack.js';
import { memoryStore } from '../store/memory-store.js';
import { oauthToken, type OAuthTokenProvider } from './oauth-token.js';
import { sharedTokenStore } from './token-store.js';

const APP = { clientId: 'client-9', clientSecret: 'secret-9' };

describe('the install route (GET …/oauth/callback?code=)', () => {
  let stack: Stack;
  const shared = memoryStore();
  const holder: { app?: OAuthTokenProvider } = {};
  beforeAll(async () => {
    stack = await startStack({
      mock: { tokens: [], oauth: APP, locations: [{ id: 'loc-new', name: 'New' }] },
      bff: {
        locationId: 'loc-new',
        getToken: (context) => holder.app!(context),
        install: {
          app: { install: (code, redirectUri) => holder.app!.install(code, redirectUri) },
          afterInstallUrl: 'https://app.example/installed?location={locationId}',
        },
      },
    });
    holder.app = oauthToken({ ...APP, shared, tokenUrl: `${stack.mock.url}/oauth/token`, logger: {} });
  });
  afterAll(() => stack.close());

  const callback = (query: string) => fetch(`${stack.endpoint}/oauth/callback${query}`, { redirect: 'manual' });

  it('exchanges the code with this callback as redirect_uri, stores the location’s tokens, and sends the admin on', async () => {
    const code = stack.mock.authorizationCode('loc-new', `${stack.endpoint}/oauth/callback`);
    const answer = await callback(`?code=${code}`);
    expect(answer.status).toBe(302);
    expect(answer.headers.get('location')).toBe('https://app.example/installed?location=loc-new');
    const stored = await sharedTokenStore(shared).load('loc-new');
    expect(stored?.accessToken).toMatch(/^mock-access-/);
    expect(stack.mock.stats.installs).toBe(1);
    // The tokens work: an upload goes through with them.
    const form = new FormData();
    form.append('conversationId', 'c1');
    form.append('file', new Blob(['hello']), 'a.txt');
    const uploaded = await fetch(stack.endpoint, { method: 'POST', headers: { 'X-Requested-With': 'ghl-attachments' }, body: form });
    expect(uploaded.status).toBe(200);
    // A code works once.
    const again = await callback(`?code=${code}`);
    expect(again.status).toBe(502);
    expect(await again.text()).toContain('install-failed');
  });

  it('says what is wrong with a missing or malformed code, as a page that runs no script', async () => {
    for (const query of ['', '?code=', '?code=%3Cscript%3E']) {
      const answer = await callback(query);
      expect(answer.status).toBe(400);
      expect(answer.headers.get('content-security-policy')).toBe("default-src 'none'");
      expect(await answer.text()).not.toContain('<script>');
    }
    expect((await fetch(`${stack.endpoint}/oauth/callback?code=x`, { method: 'POST' })).status).toBe(405);
  });
});

describe('the install route under a flood of made-up codes', () => {
  it('holds at most a few exchanges at HighLevel at once; the rest get 503 or 429 at once', async () => {
    let atOnce = 0;
    let most = 0;
    let seen = 0;
    const slowApp = {
      install: async () => {
        seen += 1;
        atOnce += 1;
        most = Math.max(most, atOnce);
        await new Promise((resolve) => setTimeout(resolve, 300));
        atOnce -= 1;
        throw new Error('HighLevel refused the code');
      },
    };
    const stack = await startStack({ bff: { install: { app: slowApp } } });
    try {
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) => fetch(`${stack.endpoint}/oauth/callback?code=bogus${i}`, { redirect: 'manual' })),
      );
      const statuses = answers.map((answer) => answer.status);
      expect(most).toBeLessThanOrEqual(8);
      const refused = (status: number) => status === 503 || status === 429;
      expect(seen).toBe(statuses.filter((status) => !refused(status)).length);
      expect(statuses.filter(refused).length).toBeGreaterThanOrEqual(32);
      // Once the flood is over, an install goes through to HighLevel again.
      await fetch(`${stack.endpoint}/oauth/callback?code=later`, { redirect: 'manual' });
      expect(seen).toBeGreaterThanOrEqual(statuses.filter((status) => !refused(status)).length + 1);
    } finally {
      await stack.close();
    }
  });
});
