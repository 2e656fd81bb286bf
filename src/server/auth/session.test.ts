import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptUserContext, mockUserContext } from '../../mock-highlevel/index.js';
import { fixture } from '../../testing/fixtures.js';
import { formOf } from '../../testing/multipart.js';
import { rawRequest } from '../../testing/raw-request.js';
import { startStack, type Stack } from '../../testing/start-stack.js';
import { SESSION_COOKIE } from './session.js';
import { MAX_SSO_PAYLOAD_LENGTH } from './sso-payload.js';

const SECRET = 'the-apps-shared-secret-0123456789';
/** The largest sign-in body read: the longest payload and room for the JSON around it. */
const BODY_LIMIT = MAX_SSO_PAYLOAD_LENGTH + 1024;

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    mock: { tokens: [{ token: 'token-a', locationId: 'loc-a' }], rateLimits: { max: 10_000 } },
    bff: {
      locationId: undefined,
      highLevelSso: { sharedSecret: SECRET },
      getToken: () => 'token-a',
      clientIdleTimeoutMs: 3000,
    },
  });
});
afterAll(() => stack.close());

const payload = () => encryptUserContext(mockUserContext('loc-a'), SECRET);
const codeOf = async (response: Response) => ((await response.json()) as { error?: { code: string } }).error?.code;

const signIn = (body: BodyInit, headers: Record<string, string> = {}) =>
  fetch(`${stack.endpoint}/session`, {
    method: 'POST',
    headers: { 'X-Requested-With': 'ghl-attachments', 'Content-Type': 'application/json', ...headers },
    body,
  });

const upload = (headers: Record<string, string>) =>
  fetch(stack.endpoint, {
    method: 'POST',
    headers: { 'X-Requested-With': 'ghl-attachments', ...headers },
    body: formOf([['conversationId', 'c1'], { name: 'a.png', bytes: fixture('sample.png').bytes }]),
  });

/** A JSON sign-in body of exactly `length` bytes, the genuine payload in it. */
function bodyOfLength(length: number): string {
  const bare = JSON.stringify({ encryptedData: payload(), pad: '' });
  return JSON.stringify({ encryptedData: JSON.parse(bare).encryptedData, pad: 'x'.repeat(length - bare.length) });
}

/** The same bytes, sent chunked: no Content-Length for the server to check first. */
const chunked = (text: string) =>
  fetch(`${stack.endpoint}/session`, {
    method: 'POST',
    headers: { 'X-Requested-With': 'ghl-attachments', 'Content-Type': 'application/json' },
    body: new ReadableStream({
      start(controller) {
        const bytes = new TextEncoder().encode(text);
        for (let at = 0; at < bytes.length; at += 4096) controller.enqueue(bytes.subarray(at, at + 4096));
        controller.close();
      },
    }),
    duplex: 'half',
  } as RequestInit);

let token: string;
beforeAll(async () => {
  const answer = await signIn(JSON.stringify({ encryptedData: payload() }));
  token = ((await answer.json()) as { token: string }).token;
});

describe('where the session token is read from', () => {
  it('the Bearer scheme only, with one token and any spaces between', async () => {
    expect((await upload({ Authorization: `Bearer    ${token}` })).status).toBe(200);
    for (const authorization of [`Token Bearer ${token}`, `Bearer ${token} ${token}`]) {
      const answer = await upload({ Authorization: authorization });
      expect(answer.status, authorization.slice(0, 14)).toBe(401);
      expect(await codeOf(answer)).toBe('unauthorized');
    }
  });

  it('the session cookie, found past a valueless cookie of a longer name, its value trimmed', async () => {
    expect((await upload({ Cookie: `${SESSION_COOKIE}s; ${SESSION_COOKIE}=${token}` })).status).toBe(200);
    expect((await upload({ Cookie: `${SESSION_COOKIE}=  ${token}  ; theme=dark` })).status).toBe(200);
  });
});

describe('what a sign-in must look like', () => {
  it('a JSON content type: not text/plain (which any page can post), not one that merely mentions JSON', async () => {
    const body = JSON.stringify({ encryptedData: payload() });
    for (const type of ['text/plain', 'text/plain; x=application/json', 'application/jsonp']) {
      const answer = await signIn(body, { 'Content-Type': type });
      expect(answer.status, type).toBe(400);
      expect(await codeOf(answer)).toBe('bad-request');
    }
    expect((await signIn(body, { 'Content-Type': 'application/json ; charset=utf-8' })).status).toBe(200);
  });

  it('JSON that does not parse is bad-request; JSON null is the same 401 as any bad payload', async () => {
    const broken = await signIn('{"encryptedData": ');
    expect(broken.status).toBe(400);
    expect(await codeOf(broken)).toBe('bad-request');
    const nothing = await signIn('null');
    expect(nothing.status).toBe(401);
    expect(await codeOf(nothing)).toBe('unauthorized');
  });

  it('a body of exactly the bound is read, one byte more is refused: with a Content-Length or chunked', async () => {
    expect((await signIn(bodyOfLength(BODY_LIMIT))).status).toBe(200);
    const over = await signIn(bodyOfLength(BODY_LIMIT + 1));
    expect(over.status).toBe(400);
    expect(await codeOf(over)).toBe('bad-request');
    expect((await chunked(bodyOfLength(BODY_LIMIT))).status).toBe(200);
    const overChunked = await chunked(bodyOfLength(BODY_LIMIT + 5000));
    expect(overChunked.status).toBe(400);
    expect(await codeOf(overChunked)).toBe('bad-request');
  });

  it('a declared length over the bound is refused at once, before any body arrives', async () => {
    const answer = await rawRequest(`${stack.endpoint}/session`, {
      headers: { 'X-Requested-With': 'ghl-attachments', 'Content-Type': 'application/json', 'Content-Length': BODY_LIMIT + 1 },
      // The first byte sends the headers; the rest never comes.
      body: ['{'],
      end: 'stall',
    });
    expect(answer?.status).toBe(400);
    expect(JSON.parse(answer!.text).error.code).toBe('bad-request');
  });
});
