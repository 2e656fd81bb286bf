import { afterEach, describe, expect, it } from 'vitest';
import { uploadError } from '../../shared/upload-error.js';
import { startStack, type Stack } from '../../testing/start-stack.js';
import type { Logger, UploadHandlerOptions } from '../options.js';
import { memoryStore } from '../store/memory-store.js';
import { oauthToken } from './oauth-token.js';

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
    expect(await textOf(answer)).toMatch(/\(highlevel-unavailable\)$/);
    expect(lines.filter(([level]) => level === 'error')).toEqual([]);
  });
});
