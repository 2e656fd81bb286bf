/**
 * Sign-ins counted per client address and per location: each answer of `POST {route}/session`
 * tells a forger something about a payload that has no MAC, so a stranger gets few of them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { encryptUserContext, mockUserContext } from '../../mock-highlevel/index.js';
import { startStack, type Stack } from '../../testing/start-stack.js';
import { createUploadHandler } from '../create-upload-handler.js';
import type { HighLevelSsoOptions } from '../options.js';

const SECRET = 'the-apps-shared-secret-0123456789';

let stack: Stack | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

/** A stack whose client address is the test's `X-Test-Client` header (as a host's `clientAddress` would say it). */
async function start(sso: Partial<HighLevelSsoOptions> = {}): Promise<Stack> {
  stack = await startStack({
    mock: {
      tokens: [
        { token: 'token-a', locationId: 'loc-a' },
        { token: 'token-b', locationId: 'loc-b' },
      ],
      rateLimits: { max: 10_000 },
    },
    bff: {
      locationId: undefined,
      highLevelSso: { sharedSecret: SECRET, ...sso },
      getToken: ({ locationId }) => (locationId === 'loc-b' ? 'token-b' : 'token-a'),
      clientAddress: (request) => request.headers.get('x-test-client') ?? undefined,
    },
  });
  return stack;
}

const genuine = (location = 'loc-a') => encryptUserContext(mockUserContext(location), SECRET);
const wrongSecret = (location = 'loc-a') => encryptUserContext(mockUserContext(location), 'not-the-apps-shared-secret-00000');

async function signIn(from: string, encryptedData: string) {
  const answer = await fetch(`${stack!.endpoint}/session`, {
    method: 'POST',
    headers: { 'X-Requested-With': 'ghl-attachments', 'Content-Type': 'application/json', 'X-Test-Client': from },
    body: JSON.stringify({ encryptedData }),
  });
  const body = (await answer.json()) as { error?: { code: string; retryAfter?: number } };
  return { status: answer.status, code: body.error?.code, retryAfter: answer.headers.get('retry-after'), bodyRetryAfter: body.error?.retryAfter };
}

describe('sign-ins per client address', () => {
  it('30 a minute by default, whatever they carry; the 31st is 429 with Retry-After; another address is not held back', async () => {
    await start();
    for (let i = 0; i < 30; i += 1) expect((await signIn('203.0.113.7', wrongSecret())).status, `try ${i + 1}`).toBe(401);
    const held = await signIn('203.0.113.7', genuine());
    expect(held).toMatchObject({ status: 429, code: 'rate-limited' });
    expect(Number(held.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(held.retryAfter)).toBeLessThanOrEqual(60);
    expect(held.bodyRetryAfter).toBe(Number(held.retryAfter));
    expect((await signIn('198.51.100.9', genuine())).status).toBe(200);
  });

  it('the limit is the option’s', async () => {
    await start({ signInsPerMinutePerAddress: 2 });
    expect((await signIn('203.0.113.7', genuine())).status).toBe(200);
    expect((await signIn('203.0.113.7', genuine())).status).toBe(200);
    expect((await signIn('203.0.113.7', genuine())).status).toBe(429);
  });
});

describe('sign-ins per location', () => {
  it('counted once a payload has been read: from many addresses, past the limit is 429; another location is not held back', async () => {
    await start({ signInsPerMinutePerLocation: 3 });
    // Payloads that do not decrypt name no location: they count for their address only.
    for (let i = 0; i < 5; i += 1) expect((await signIn(`192.0.2.${i}`, wrongSecret('loc-a'))).status).toBe(401);
    for (let i = 0; i < 3; i += 1) expect((await signIn(`198.51.100.${i}`, genuine('loc-a'))).status, `sign-in ${i + 1}`).toBe(200);
    const held = await signIn('198.51.100.200', genuine('loc-a'));
    expect(held).toMatchObject({ status: 429, code: 'rate-limited' });
    expect(Number(held.retryAfter)).toBeGreaterThanOrEqual(1);
    expect((await signIn('198.51.100.201', genuine('loc-b'))).status).toBe(200);
  });

  it('120 a minute by default', async () => {
    await start({ signInsPerMinutePerAddress: 1000 });
    const answers = await Promise.all(Array.from({ length: 121 }, (_, i) => signIn(`10.0.${i >> 8}.${i & 255}`, genuine('loc-a'))));
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(120);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(1);
  });
});

describe('the limits’ options', () => {
  it('are whole numbers from 1 to 1,000,000: anything else is a TypeError that names the option', () => {
    for (const name of ['signInsPerMinutePerAddress', 'signInsPerMinutePerLocation'] as const) {
      for (const value of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 1_000_001, '30']) {
        expect(
          () => createUploadHandler({ getToken: () => 't', authorize: 'anyone', highLevelSso: { sharedSecret: SECRET, [name]: value as number } }),
          `${name} ${String(value)}`,
        ).toThrow(new RegExp(`highLevelSso\\.${name}`));
      }
      for (const value of [1, 1_000_000]) {
        expect(() => createUploadHandler({ getToken: () => 't', authorize: 'anyone', highLevelSso: { sharedSecret: SECRET, [name]: value } })).not.toThrow();
      }
    }
  });
});
