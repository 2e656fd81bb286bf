import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUploadError } from '../../shared/upload-error.js';
import { rawRequest, type RawAnswer } from '../../testing/raw-request.js';
import { startStack, type Stack } from '../../testing/start-stack.js';
import { createUploadHandler } from '../create-upload-handler.js';
import { staticToken } from '../options.js';
import { memoryStore } from '../store/memory-store.js';
import { oauthToken, type OAuthTokenProvider } from './oauth-token.js';
import { sharedTokenStore } from './token-store.js';

const APP = { clientId: 'client-9', clientSecret: 'secret-9' };

/** `GET` on a real socket from a loopback address of its own (127.0.0.0/8 is all this machine's). */
const getFrom = (address: string, url: string) => rawRequest(url, { method: 'GET', localAddress: address }) as Promise<RawAnswer>;

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
      // From 20 addresses, two each: within every address's own bounds, so only the shared one acts.
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) => getFrom(`127.0.0.${10 + (i % 20)}`, `${stack.endpoint}/oauth/callback?code=bogus${i}`)),
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

describe('the install callback, bounded per client address', () => {
  it('500 made-up codes from one address: at most 10 reach HighLevel’s token endpoint, and an admin elsewhere installs meanwhile', async () => {
    const shared = memoryStore();
    const holder: { app?: OAuthTokenProvider } = {};
    const stack = await startStack({
      mock: { tokens: [], oauth: APP, locations: [{ id: 'loc-new', name: 'New' }] },
      bff: {
        getToken: (context) => holder.app!(context),
        install: { app: { install: (code, redirectUri) => holder.app!.install(code, redirectUri) } },
      },
    });
    // HighLevel takes a while to answer, as over the internet: exchanges overlap.
    const distant: typeof fetch = async (input, init) => {
      await new Promise((resolve) => setTimeout(resolve, 100));
      return fetch(input, init);
    };
    holder.app = oauthToken({ ...APP, shared, tokenUrl: `${stack.mock.url}/oauth/token`, fetch: distant, logger: {} });
    try {
      let answered = 0;
      const flood = Array.from({ length: 500 }, (_, i) =>
        getFrom('127.0.0.1', `${stack.endpoint}/oauth/callback?code=made-up-${i}`).then((answer) => {
          answered += 1;
          return answer;
        }),
      );
      // Once the stranger's window is used up, the admin comes back from HighLevel's chooser.
      while (answered < 100) await new Promise((resolve) => setTimeout(resolve, 5));
      const code = stack.mock.authorizationCode('loc-new', `${stack.endpoint}/oauth/callback`);
      const admin = await getFrom('127.0.0.2', `${stack.endpoint}/oauth/callback?code=${code}`);
      const answers = await Promise.all(flood);
      expect(admin.status).toBe(200);
      expect(admin.text).toContain('installed in sub-account loc-new');
      expect((await sharedTokenStore(shared).load('loc-new'))?.accessToken).toMatch(/^mock-access-/);
      // The admin's exchange is one of the token requests; the stranger's are the rest.
      expect(stack.mock.stats.tokenRequests - 1).toBeLessThanOrEqual(10);
      const limited = answers.filter((answer) => answer.status === 429);
      expect(limited.length).toBeGreaterThanOrEqual(490);
      expect(Number(limited[0]!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(Number(limited[0]!.headers['retry-after'])).toBeLessThanOrEqual(60);
      expect(limited[0]!.text).toContain('(rate-limited)');
    } finally {
      await stack.close();
    }
  });

  it('one address holds at most two exchanges at once, so installs from another still find a place', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let atOnce = 0;
    let most = 0;
    const app = {
      install: async (code: string) => {
        atOnce += 1;
        most = Math.max(most, atOnce);
        if (code.startsWith('stranger')) await held;
        atOnce -= 1;
        return { locationId: 'loc-new' };
      },
    };
    const stack = await startStack({ bff: { install: { app, maxCallbacksPerMinute: 100 } } });
    try {
      const strangers = Array.from({ length: 10 }, (_, i) => getFrom('127.0.0.1', `${stack.endpoint}/oauth/callback?code=stranger${i}`));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(atOnce).toBe(2);
      const others = await Promise.all(Array.from({ length: 6 }, (_, i) => getFrom(`127.0.0.${2 + i}`, `${stack.endpoint}/oauth/callback?code=admin${i}`)));
      expect(others.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
      release();
      const statuses = (await Promise.all(strangers)).map((answer) => answer.status).sort();
      expect(statuses).toEqual([200, 200, 429, 429, 429, 429, 429, 429, 429, 429]);
      expect(most).toBeLessThanOrEqual(8);
    } finally {
      release();
      await stack.close();
    }
  });

  it('takes the per-minute bound as an option, checked when the handler is made', async () => {
    const app = { install: async () => ({ locationId: 'loc-new' }) };
    for (const bad of [0, -1, 1.5, 10_001, Number.NaN]) {
      expect(() => createUploadHandler({ getToken: staticToken('t'), locationId: 'l', authorize: 'anyone', install: { app, maxCallbacksPerMinute: bad } })).toThrow(
        /install\.maxCallbacksPerMinute/,
      );
    }
    const stack = await startStack({ bff: { install: { app, maxCallbacksPerMinute: 3 } } });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await getFrom('127.0.0.1', `${stack.endpoint}/oauth/callback?code=c${i}`)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      // Another address has its own window.
      expect((await getFrom('127.0.0.2', `${stack.endpoint}/oauth/callback?code=c9`)).status).toBe(200);
    } finally {
      await stack.close();
    }
  });
});

describe('an install answered with an agency’s token', () => {
  /** The stack, with HighLevel’s install answer rewritten by `change`. */
  async function withAnswer(change: (body: Record<string, unknown>) => Record<string, unknown>) {
    const shared = memoryStore();
    const holder: { app?: OAuthTokenProvider } = {};
    const stack = await startStack({
      mock: { tokens: [], oauth: APP, locations: [{ id: 'loc-new', name: 'New' }] },
      bff: { getToken: (context) => holder.app!(context), install: { app: { install: (code, redirectUri) => holder.app!.install(code, redirectUri) } } },
    });
    const rewriting: typeof fetch = async (input, init) => {
      const real = await fetch(input, init);
      const body = (await real.json()) as Record<string, unknown>;
      return new Response(JSON.stringify(real.ok ? change(body) : body), { status: real.status, headers: { 'Content-Type': 'application/json' } });
    };
    holder.app = oauthToken({ ...APP, shared, tokenUrl: `${stack.mock.url}/oauth/token`, fetch: rewriting, logger: {} });
    return { stack, shared, app: holder.app };
  }

  it.each([
    ['as HighLevel sends it (no location, the approved ones listed)', (body: Record<string, unknown>) => ({ ...body, userType: 'Company', locationId: undefined, approvedLocations: ['loc-new'] })],
    ['with a locationId in it too', (body: Record<string, unknown>) => ({ ...body, userType: 'Company' })],
  ])('%s: never stored as the location’s; the admin is told to choose a sub-account', async (_, change) => {
    const { stack, shared, app } = await withAnswer(change);
    try {
      const code = stack.mock.authorizationCode('loc-new', `${stack.endpoint}/oauth/callback`);
      const answer = await getFrom('127.0.0.1', `${stack.endpoint}/oauth/callback?code=${code}`);
      expect(answer.status).toBe(502);
      expect(answer.text).toContain('(install-not-location)');
      expect(answer.text).toContain('choose a sub-account');
      expect(await sharedTokenStore(shared).load('loc-new')).toBeFalsy();
      const asked = await app({ locationId: 'loc-new' }).catch((error: unknown) => error);
      expect(isUploadError(asked) && asked.code).toBe('app-not-installed');
    } finally {
      await stack.close();
    }
  });

  it('an answer that does not say whose token it is is not stored either', async () => {
    const { stack, shared } = await withAnswer((body) => ({ ...body, userType: undefined }));
    try {
      const code = stack.mock.authorizationCode('loc-new', `${stack.endpoint}/oauth/callback`);
      const answer = await getFrom('127.0.0.1', `${stack.endpoint}/oauth/callback?code=${code}`);
      expect(answer.status).toBe(502);
      expect(answer.text).toContain('(install-failed)');
      expect(await sharedTokenStore(shared).load('loc-new')).toBeFalsy();
    } finally {
      await stack.close();
    }
  });
});
