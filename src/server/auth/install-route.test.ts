import { afterAll, beforeAll, describe, expect, it, afterEach } from 'vitest';
import { isUploadError, uploadError } from '../../shared/upload-error.js';
import { rawRequest, type RawAnswer } from '../../testing/raw-request.js';
import { startStack, type Stack } from '../../testing/start-stack.js';
import { createUploadHandler } from '../create-upload-handler.js';
import { staticToken, type Logger, type UploadHandlerOptions } from '../options.js';
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
      // Waiting does not mend a code: no Retry-After.
      expect(answer.headers.get('retry-after')).toBeNull();
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
    for (const good of [1, 10_000]) {
      expect(() => createUploadHandler({ getToken: staticToken('t'), locationId: 'l', authorize: 'anyone', install: { app, maxCallbacksPerMinute: good } })).not.toThrow();
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

describe('the install callback, its page and its refusals', () => {
  const APP = { clientId: 'client-5', clientSecret: 'secret-5' };

  let stack: Stack | undefined;
  afterEach(async () => {
    await stack?.close();
    stack = undefined;
  });

  type Install = NonNullable<UploadHandlerOptions['install']>;

  /** A BFF with the install route, an app that records what it is asked, and a logger that keeps its lines. */
  async function withInstall(install: (code: string, redirectUri?: string) => Promise<{ locationId: string }>, extra: Partial<Install> = {}, logger?: Logger) {
    const asked: { code: string; redirectUri: string | undefined }[] = [];
    stack = await startStack({
      mock: { tokens: [], oauth: { ...APP, redirectUri: extra.redirectUri }, locations: [{ id: 'loc-new', name: 'New' }] },
      bff: {
        getToken: () => 'not-used-here',
        install: {
          app: {
            install: (code, redirectUri) => {
              asked.push({ code, redirectUri });
              return install(code, redirectUri);
            },
          },
          ...extra,
        },
        ...(logger ? { logger } : {}),
      },
    });
    return { stack, asked, callback: (query: string) => fetch(`${stack!.endpoint}/oauth/callback${query}`, { redirect: 'manual' }) };
  }

  /** The page's text, its character references read back. */
  const textOf = async (answer: Response) =>
    (await answer.text())
      .replace(/^.*<p>/s, '')
      .replace(/<\/p>\n$/, '')
      .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));

  function keeping() {
    const lines: [string, string, Record<string, unknown> | undefined][] = [];
    const keep = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push([level, message, fields]);
    return { lines, logger: { info: keep('info'), warn: keep('warn'), error: keep('error') } };
  }

  describe('the install callback, as the admin sees it', () => {
    it('without afterInstallUrl: a page that says the app is installed in that sub-account, not cached, and a log line', async () => {
      const { lines, logger } = keeping();
      const { callback } = await withInstall(async () => ({ locationId: 'loc-new' }), {}, logger);
      const answer = await callback('?code=abc123');
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(await textOf(answer)).toMatch(/installed in sub-account loc-new\./);
      expect(lines).toContainEqual(['info', 'app installed', { locationId: 'loc-new' }]);
    });

    it('with afterInstallUrl: a redirect there that no cache keeps', async () => {
      const { callback } = await withInstall(async () => ({ locationId: 'loc new/1' }), { afterInstallUrl: 'https://app.example/done?l={locationId}' });
      const answer = await callback('?code=abc123');
      expect(answer.status).toBe(302);
      expect(answer.headers.get('location')).toBe('https://app.example/done?l=loc%20new%2F1');
      expect(answer.headers.get('cache-control')).toBe('no-store');
    });

    it('writes what HighLevel said as text, never as markup', async () => {
      const odd = `<b>"loc"</b> & 'x'`;
      const { callback } = await withInstall(async () => ({ locationId: odd }));
      const answer = await callback('?code=abc123');
      const html = await answer.clone().text();
      expect(html).not.toContain('<b>');
      expect(await textOf(answer)).toContain(`sub-account ${odd}.`);
    });

    it('sends HighLevel this callback’s own address as redirect_uri, or the one configured', async () => {
      const own = await withInstall(async () => ({ locationId: 'loc-new' }));
      await own.callback('?code=abc123');
      expect(own.asked).toEqual([{ code: 'abc123', redirectUri: `${own.stack.endpoint}/oauth/callback` }]);
      await stack!.close();
      const configured = await withInstall(async () => ({ locationId: 'loc-new' }), { redirectUri: 'https://app.example/callback' });
      await configured.callback('?code=abc123');
      expect(configured.asked).toEqual([{ code: 'abc123', redirectUri: 'https://app.example/callback' }]);
    });

    it('installs for real with the registered redirect URL the mock HighLevel checks', async () => {
      const holder: { app?: ReturnType<typeof oauthToken> } = {};
      const registered = 'https://app.example/callback';
      const { callback } = await withInstall((code, redirectUri) => holder.app!.install(code, redirectUri), { redirectUri: registered });
      holder.app = oauthToken({ ...APP, shared: memoryStore(), tokenUrl: `${stack!.mock.url}/oauth/token`, logger: {} });
      const answer = await callback(`?code=${stack!.mock.authorizationCode('loc-new', registered)}`);
      expect(answer.status).toBe(200);
      expect(stack!.mock.stats.installs).toBe(1);
    });
  });

  describe('install codes that are refused', () => {
    it('refuses a code with anything around the allowed characters, or over 512 characters, without asking HighLevel', async () => {
      const { callback, asked } = await withInstall(async () => ({ locationId: 'loc-new' }));
      for (const code of ['%3Cx%3Eabc', 'abc%3Cx%3E', 'abc%20', 'a'.repeat(513)]) {
        const answer = await callback(`?code=${code}`);
        expect(answer.status, code.slice(0, 12)).toBe(400);
        expect(await textOf(answer)).toMatch(/no valid code/);
      }
      expect(asked).toEqual([]);
      // The longest code allowed does go to HighLevel.
      expect((await callback(`?code=${'a'.repeat(512)}`)).status).toBe(200);
      expect(asked).toHaveLength(1);
    });

    it('an app that fails in an unexpected way: 502 install-failed, and the error logged', async () => {
      const { lines, logger } = keeping();
      const { callback } = await withInstall(() => Promise.reject(new Error('socket hang up')), {}, logger);
      const answer = await callback('?code=abc123');
      expect(answer.status).toBe(502);
      expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await textOf(answer)).toMatch(/\(install-failed\)$/);
      expect(lines).toContainEqual(['error', 'install failed', { error: 'Error: socket hang up' }]);
    });

    it('an app that fails in an unexpected way, with no logger: the same page', async () => {
      const { callback } = await withInstall(() => Promise.reject(new Error('socket hang up')));
      const answer = await callback('?code=abc123');
      expect(answer.status).toBe(502);
      expect(await textOf(answer)).toMatch(/\(install-failed\)$/);
    });

    it('a refusal the app explains (an UploadError) is shown with its own code and not logged as a failure', async () => {
      const { lines, logger } = keeping();
      const { callback } = await withInstall(() => Promise.reject(uploadError('highlevel-unavailable')), {}, logger);
      const answer = await callback('?code=abc123');
      expect(answer.status).toBe(502);
      expect(answer.headers.get('retry-after')).toBeNull();
      expect(await textOf(answer)).toMatch(/\(highlevel-unavailable\)$/);
      expect(lines.filter(([level]) => level === 'error')).toEqual([]);
    });
  });
});
