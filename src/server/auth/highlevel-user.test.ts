/**
 * Who signs in is HighLevel's answer, not the payload's: each answer of `GET /users/{userId}`
 * (played by the mock, on loopback) and what the sign-in makes of it.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encryptUserContext, mockUserContext } from '../../mock-highlevel/index.js';
import { startStack, type Stack } from '../../testing/start-stack.js';
import type { TokenProvider } from '../options.js';
import { memoryStore } from '../store/memory-store.js';
import { lookUpHighLevelUser } from './highlevel-user.js';
import { SIGN_IN_FLOOR_MS } from './session.js';

const SECRET = 'the-apps-shared-secret-0123456789';
const UPSTREAM_TIMEOUT_MS = 1500;
/** The largest answer about one user the sign-in reads (`MAX_ANSWER_BYTES`). */
const MAX_ANSWER_BYTES = 256 * 1024;
/** Where the remembered answers live: held here to be read and written. */
const store = memoryStore();

const refused: { locationId: string; token: string }[] = [];
const tokens: Record<string, string> = { 'loc-a': 'token-a', 'loc-b': 'token-b', 'loc-stale': 'a-token-highlevel-forgot', 'loc-noscope': 'token-noscope' };
const getToken: TokenProvider = Object.assign(({ locationId }: { locationId: string }) => tokens[locationId] ?? 'none', {
  refused: (context: { locationId: string; token: string }) => void refused.push(context),
});

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    mock: {
      tokens: [
        { token: 'token-a', locationId: 'loc-a' },
        { token: 'token-b', locationId: 'loc-b' },
        { token: 'token-noscope', locationId: 'loc-noscope', scopes: ['conversations/message.write'] },
      ],
      users: [
        { id: 'loc-user', role: 'user', type: 'account', locationIds: ['loc-a'] },
        { id: 'loc-admin', role: 'admin', type: 'account', locationIds: ['loc-a', 'loc-stale', 'loc-noscope'] },
        { id: 'b-user', role: 'user', type: 'account', locationIds: ['loc-b'] },
        { id: 'agency-admin', role: 'admin', type: 'agency', locationIds: [] },
        { id: 'agency-restricted', role: 'user', type: 'agency', locationIds: ['loc-b'], restrictSubAccount: true },
        { id: 'other-agency-admin', role: 'admin', type: 'agency', locationIds: [], companyId: 'another-agency' },
      ],
      rateLimits: { max: 10_000 },
    },
    bff: { locationId: undefined, highLevelSso: { sharedSecret: SECRET, signInsPerMinutePerAddress: 1000 }, getToken, upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS, sharedStore: store },
  });
});
afterAll(() => stack.close());

interface SignedIn {
  status: number;
  code: string | undefined;
  message: string | undefined;
  user: { userId: string; role: string; type: string; locationId: string } | undefined;
  retryAfter: string | null;
  /** The error's `retryAfter`, in seconds, as the widget reads it. */
  waitSeconds: number | undefined;
}

/** Signs in with a genuine payload for `userId` in `location`, claiming to be an agency admin. */
async function signIn(userId: string, location = 'loc-a'): Promise<SignedIn> {
  const context = { ...mockUserContext(location), userId, role: 'admin', type: 'agency' };
  const answer = await fetch(`${stack.endpoint}/session`, {
    method: 'POST',
    headers: { 'X-Requested-With': 'ghl-attachments', 'Content-Type': 'application/json' },
    body: JSON.stringify({ encryptedData: encryptUserContext(context, SECRET) }),
  });
  const body = (await answer.json()) as { user?: SignedIn['user']; error?: { code: string; message: string; retryAfter?: number } };
  return {
    status: answer.status,
    code: body.error?.code,
    message: body.error?.message,
    user: body.user,
    retryAfter: answer.headers.get('retry-after'),
    waitSeconds: body.error?.retryAfter,
  };
}

describe('the user, from HighLevel', () => {
  it('a location user of that location: signed in with HighLevel’s role and type, whatever the payload claims', async () => {
    const { status, user } = await signIn('loc-user');
    expect(status).toBe(200);
    expect(user).toMatchObject({ userId: 'loc-user', locationId: 'loc-a', role: 'user', type: 'location' });
  });

  it('a user HighLevel does not know: 401', async () => {
    expect(await signIn('nobody-at-all')).toMatchObject({ status: 401, code: 'unauthorized', user: undefined });
  });

  it('a location user of another location: 401 (and 200 in their own)', async () => {
    expect(await signIn('b-user', 'loc-a')).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(await signIn('b-user', 'loc-b')).toMatchObject({ status: 200, user: { role: 'user', locationId: 'loc-b' } });
  });

  it('an agency user of the same agency: signed in as an agency user; one restricted to other sub-accounts is not', async () => {
    expect(await signIn('agency-admin')).toMatchObject({ status: 200, user: { userId: 'agency-admin', role: 'admin', type: 'agency' } });
    expect(await signIn('agency-restricted', 'loc-a')).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(await signIn('agency-restricted', 'loc-b')).toMatchObject({ status: 200, user: { role: 'user', type: 'agency' } });
  });

  it('an agency user of another agency: 401 (the location’s token does not reach them)', async () => {
    expect(await signIn('other-agency-admin')).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('HighLevel refuses the token (401): highlevel-auth, and the provider is told; a token without users.readonly likewise', async () => {
    refused.length = 0;
    expect(await signIn('loc-admin', 'loc-stale')).toMatchObject({ status: 502, code: 'highlevel-auth', user: undefined });
    expect(refused).toEqual([{ locationId: 'loc-stale', token: 'a-token-highlevel-forgot' }]);
    expect(await signIn('loc-admin', 'loc-noscope')).toMatchObject({ status: 502, code: 'highlevel-auth', user: undefined });
  });

  it('HighLevel’s other refusals: 403 is highlevel-auth (the token is not told), 404 and 422 are 401', async () => {
    refused.length = 0;
    stack.mock.failNextUserLookup({ kind: 'answer', status: 403, body: { statusCode: 403, message: 'The token does not have access to this location.' } });
    expect(await signIn('loc-admin')).toMatchObject({ status: 502, code: 'highlevel-auth' });
    expect(refused).toEqual([]);
    for (const status of [404, 422]) {
      stack.mock.failNextUserLookup({ kind: 'answer', status });
      expect(await signIn('loc-admin'), String(status)).toMatchObject({ status: 401, code: 'unauthorized' });
    }
  });

  it('a refused user gets the same 401 as a payload that does not decrypt, no sooner than the floor', async () => {
    const started = Date.now();
    const unknown = await fetch(`${stack.endpoint}/session`, {
      method: 'POST',
      headers: { 'X-Requested-With': 'ghl-attachments', 'Content-Type': 'application/json' },
      body: JSON.stringify({ encryptedData: encryptUserContext({ ...mockUserContext('loc-a'), userId: 'nobody' }, SECRET) }),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(SIGN_IN_FLOOR_MS - 1);
    const garbled = await fetch(`${stack.endpoint}/session`, {
      method: 'POST',
      headers: { 'X-Requested-With': 'ghl-attachments', 'Content-Type': 'application/json' },
      body: JSON.stringify({ encryptedData: encryptUserContext(mockUserContext('loc-a'), 'not-the-apps-shared-secret-00000') }),
    });
    expect([unknown.status, await unknown.text()]).toEqual([garbled.status, await garbled.text()]);
  });

  it('HighLevel fails (5xx, a reset, a redirect): highlevel-unavailable, never a session from the payload alone', async () => {
    for (const fault of [{ kind: 'answer', status: 500 }, { kind: 'answer', status: 503 }, { kind: 'reset' }, { kind: 'redirect', location: 'http://127.0.0.1:9/' }] as const) {
      stack.mock.failNextUserLookup(fault);
      expect(await signIn('loc-admin'), JSON.stringify(fault)).toMatchObject({ status: 502, code: 'highlevel-unavailable', user: undefined });
    }
  });

  it('HighLevel does not answer: highlevel-timeout, within the deadline', async () => {
    stack.mock.failNextUserLookup({ kind: 'hang' });
    const started = Date.now();
    expect(await signIn('loc-admin')).toMatchObject({ status: 504, code: 'highlevel-timeout', user: undefined });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(UPSTREAM_TIMEOUT_MS - 100);
    expect(elapsed).toBeLessThan(UPSTREAM_TIMEOUT_MS + 5000);
  });

  it('HighLevel’s 429: rate-limited, with its Retry-After in the header and the body', async () => {
    stack.mock.failNextUserLookup({ kind: 'answer', status: 429, body: { statusCode: 429, message: 'Too Many Requests' }, headers: { 'Retry-After': '7' } });
    const limited = await signIn('loc-admin');
    expect(limited).toMatchObject({ status: 429, code: 'rate-limited', retryAfter: '7', waitSeconds: 7 });
    expect(limited.message).toMatch(/\b7 s/);
  });

  it('reads no refusal’s body: a 429 or a 403 with a page far over the answer bound is still what its status says', async () => {
    const page = { message: 'x'.repeat(MAX_ANSWER_BYTES * 2) };
    stack.mock.failNextUserLookup({ kind: 'answer', status: 429, body: page, headers: { 'Retry-After': '3' } });
    expect(await signIn('loc-admin')).toMatchObject({ status: 429, code: 'rate-limited', waitSeconds: 3 });
    stack.mock.failNextUserLookup({ kind: 'answer', status: 403, body: page });
    expect(await signIn('loc-admin')).toMatchObject({ status: 502, code: 'highlevel-auth' });
  });

  it('a sign-in whose caller left while HighLevel thinks is cancelled, not a HighLevel failure', async () => {
    stack.mock.failNextUserLookup({ kind: 'hang' });
    const caller = new AbortController();
    const highlevel = { getToken, apiBase: stack.mock.url, fetch: undefined, upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS };
    const lookup = lookUpHighLevelUser('loc-admin', 'loc-a', { highlevel, shared: { store: memoryStore(), rateLimit: undefined } }, 900, caller.signal);
    setTimeout(() => caller.abort(), 100);
    await expect(lookup).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('asks HighLevel once per user and location for a session’s life: the next sign-in is answered from the store', async () => {
    expect((await signIn('loc-admin')).status).toBe(200);
    const before = stack.mock.stats.userLookups;
    expect(await signIn('loc-admin')).toMatchObject({ status: 200, user: { role: 'admin' } });
    expect(stack.mock.stats.userLookups).toBe(before);
    // Another location is another question.
    expect(await signIn('loc-admin', 'loc-b')).toMatchObject({ status: 401 });
    expect(stack.mock.stats.userLookups).toBe(before + 1);
  });
});

/** HighLevel's answer about `id`, as its Users API shapes it. */
function userAnswer(id: string, roles: unknown, extra: Record<string, unknown> = {}) {
  return { kind: 'answer', status: 200, body: { id, name: 'A user', email: 'user@example.com', ...extra, roles } } as const;
}

describe('what the answer says', () => {
  it('an answer of another shape is no answer: highlevel-unavailable, never a session', async () => {
    const account = { type: 'account', role: 'admin', locationIds: ['loc-a'] };
    const shapes: [string, unknown][] = [
      ['no roles', undefined],
      ['roles null', null],
      ['roles a string', 'admin'],
      ['a type HighLevel does not have', { ...account, type: 'company' }],
      ['a role HighLevel does not have', { ...account, role: 'owner' }],
      ['locationIds a string that contains the location', { ...account, locationIds: 'loc-a-and-more' }],
    ];
    for (const [what, roles] of shapes) {
      stack.mock.failNextUserLookup(userAnswer('shape-user', roles));
      expect(await signIn('shape-user'), what).toMatchObject({ status: 502, code: 'highlevel-unavailable', user: undefined });
    }
    for (const body of ['shape-user', 42, [], null]) {
      stack.mock.failNextUserLookup({ kind: 'answer', status: 200, body });
      expect(await signIn('shape-user'), JSON.stringify(body)).toMatchObject({ status: 502, code: 'highlevel-unavailable' });
    }
  });

  it('an answer about someone else, or about a deleted user, is a 401', async () => {
    const roles = { type: 'account', role: 'admin', locationIds: ['loc-a'] };
    stack.mock.failNextUserLookup(userAnswer('someone-else', roles));
    expect(await signIn('shape-user')).toMatchObject({ status: 401, code: 'unauthorized' });
    stack.mock.failNextUserLookup(userAnswer('shape-user', roles, { deleted: true }));
    expect(await signIn('shape-user')).toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('an agency user without locationIds may work in every sub-account of the agency', async () => {
    stack.mock.failNextUserLookup(userAnswer('agency-no-list', { type: 'agency', role: 'user' }));
    expect(await signIn('agency-no-list')).toMatchObject({ status: 200, user: { userId: 'agency-no-list', role: 'user', type: 'agency' } });
  });

  it(`reads an answer of up to ${MAX_ANSWER_BYTES} bytes, and no more`, async () => {
    const answerOf = (id: string, bytes: number) => {
      const body = { id, roles: { type: 'account', role: 'user', locationIds: ['loc-a'] }, permissions: '' };
      body.permissions = 'x'.repeat(bytes - JSON.stringify(body).length);
      expect(Buffer.byteLength(JSON.stringify(body))).toBe(bytes);
      return { kind: 'answer', status: 200, body } as const;
    };
    stack.mock.failNextUserLookup(answerOf('large-user', MAX_ANSWER_BYTES));
    expect(await signIn('large-user')).toMatchObject({ status: 200, user: { userId: 'large-user' } });
    stack.mock.failNextUserLookup(answerOf('too-large-user', MAX_ANSWER_BYTES + 1));
    expect(await signIn('too-large-user')).toMatchObject({ status: 502, code: 'highlevel-unavailable' });
  });

  it('a token provider without `refused`: HighLevel’s 401 is still highlevel-auth', async () => {
    const { refused: told } = getToken;
    delete getToken.refused;
    try {
      expect(await signIn('loc-admin', 'loc-stale')).toMatchObject({ status: 502, code: 'highlevel-auth' });
    } finally {
      getToken.refused = told;
    }
  });
});

describe('the remembered answer', () => {
  const keyOf = (userId: string, locationId = 'loc-a') => `sso-user:${locationId}:${userId}`;

  it('is kept for a session’s life (900 s by default) from the sign-in that asked', async () => {
    const before = Date.now();
    stack.mock.failNextUserLookup(userAnswer('remembered-now', { type: 'account', role: 'user', locationIds: ['loc-a'] }));
    expect((await signIn('remembered-now')).status).toBe(200);
    const entry = JSON.parse((await store.get(keyOf('remembered-now')))!) as { role: string; type: string; until: number };
    expect(entry).toMatchObject({ role: 'user', type: 'location' });
    expect(entry.until).toBeGreaterThanOrEqual(before + 900_000);
    expect(entry.until).toBeLessThanOrEqual(Date.now() + 900_000);
  });

  it('within its time, answers for HighLevel: no lookup', async () => {
    await store.set(keyOf('remembered-only'), JSON.stringify({ role: 'admin', type: 'agency', until: Date.now() + 60_000 }));
    const before = stack.mock.stats.userLookups;
    expect(await signIn('remembered-only')).toMatchObject({ status: 200, user: { userId: 'remembered-only', role: 'admin', type: 'agency' } });
    expect(stack.mock.stats.userLookups).toBe(before);
  });

  it('past its time, is forgotten and HighLevel is asked again', async () => {
    await store.set(keyOf('remembered-once'), JSON.stringify({ role: 'admin', type: 'agency', until: Date.now() - 1 }));
    const before = stack.mock.stats.userLookups;
    expect(await signIn('remembered-once')).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(stack.mock.stats.userLookups).toBe(before + 1);
    expect(await store.get(keyOf('remembered-once'))).toBeUndefined();
  });
});

describe('the lookup through a fetch of the host’s own (the `fetch` option)', () => {
  const shared = () => ({ store: memoryStore(), rateLimit: undefined });
  const via = (fetch: typeof globalThis.fetch) => ({ getToken, apiBase: stack.mock.url, fetch, upstreamTimeoutMs: UPSTREAM_TIMEOUT_MS });
  const signal = () => new AbortController().signal;

  it('asks with the location’s token, the Users API’s version and for JSON', async () => {
    const asked: Headers[] = [];
    const recording: typeof fetch = (input, init) => {
      asked.push(new Headers(init?.headers));
      return fetch(input, init);
    };
    expect(await lookUpHighLevelUser('loc-admin', 'loc-a', { highlevel: via(recording), shared: shared() }, 900, signal())).toEqual({ role: 'admin', type: 'location' });
    expect(asked).toHaveLength(1);
    expect(Object.fromEntries(asked[0]!)).toEqual({ authorization: 'Bearer token-a', version: '2021-07-28', accept: 'application/json' });
  });

  it('takes refusals without a body for what their status says', async () => {
    const answering = (status: number, headers: Record<string, string> = {}): typeof fetch => async () => new Response(null, { status, headers });
    const look = (fetch: typeof globalThis.fetch) => lookUpHighLevelUser('loc-admin', 'loc-a', { highlevel: via(fetch), shared: shared() }, 900, signal());
    await expect(look(answering(429, { 'Retry-After': '4' }))).rejects.toMatchObject({ code: 'rate-limited', retryAfter: 4 });
    refused.length = 0;
    await expect(look(answering(401))).rejects.toMatchObject({ code: 'highlevel-auth' });
    expect(refused).toEqual([{ locationId: 'loc-a', token: 'token-a' }]);
    await expect(look(answering(404))).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(look(answering(204))).rejects.toMatchObject({ code: 'highlevel-unavailable' });
  });

  it('uses a remembered answer until the millisecond its time ends, and asks HighLevel from then on', async () => {
    const store = memoryStore();
    const now = Date.now();
    // HighLevel says loc-admin is a location admin; what is remembered says otherwise.
    const remember = (until: number) => store.set('sso-user:loc-a:loc-admin', JSON.stringify({ role: 'user', type: 'agency', until }));
    const clock = vi.spyOn(Date, 'now').mockReturnValue(now);
    try {
      await remember(now + 1);
      expect(await lookUpHighLevelUser('loc-admin', 'loc-a', { highlevel: via(fetch), shared: { store, rateLimit: undefined } }, 900, signal())).toEqual({ role: 'user', type: 'agency' });
      await remember(now);
      expect(await lookUpHighLevelUser('loc-admin', 'loc-a', { highlevel: via(fetch), shared: { store, rateLimit: undefined } }, 900, signal())).toEqual({ role: 'admin', type: 'location' });
    } finally {
      clock.mockRestore();
    }
  });
});
