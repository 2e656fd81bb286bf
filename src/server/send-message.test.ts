import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ErrorResponseBody, UploadResponseBody } from '../shared/wire.js';
import type { SendMessageResponseBody } from '../shared/message-wire.js';
import { pngOfSize } from '../testing/fixtures.js';
import { formOf } from '../testing/multipart.js';
import { startStack, type Stack } from '../testing/start-stack.js';
import type { AuthorizeContext, TokenProvider } from './options.js';
import { signPreview } from './preview-link.js';
import { memoryStore } from './store/memory-store.js';

// `POST {route}/messages` against the real BFF and the mock: what a contact receives, what is
// refused before HighLevel hears of it, HighLevel's refusals in our codes, and one message per key.

const SECRET = 'a-preview-secret-of-at-least-32-characters';
const HEADERS = { 'X-Requested-With': 'ghl-attachments', 'Content-Type': 'application/json' };
const CONVERSATIONS = [
  'conv1',
  'conv3',
  { id: 'mail1', type: 2 as const, contactId: 'ann' },
  { id: 'review1', type: 4 as const },
  { id: 'fb1', type: 3 as const },
  { id: 'conv2', locationId: 'loc2' },
];
let stack: Stack;
let channels: Stack;
const asked: AuthorizeContext[] = [];
let allow = true;
const refused = vi.fn();
const tokenAsked = vi.fn((_context: { locationId: string }) => 't1');
const logs: [string, string, unknown][] = [];
const shared = memoryStore();

beforeAll(async () => {
  const mock = { tokens: [{ token: 't1', locationId: 'loc1' }, { token: 't2', locationId: 'loc2' }], conversations: CONVERSATIONS, rateLimits: { max: 100_000 } };
  const getToken: TokenProvider = Object.assign(tokenAsked, { refused });
  stack = await startStack({
    mock,
    bff: {
      getToken,
      locationId: 'loc1',
      previewSecret: SECRET,
      upstreamTimeoutMs: 1500,
      sharedStore: shared,
      logger: {
        info: (message, fields) => logs.push(['info', message, fields]),
        warn: (message, fields) => logs.push(['warn', message, fields]),
      },
      authorize: (_request, context) => {
        asked.push(context);
        return allow;
      },
    },
  });
  // With the fleet's pace on: how long a second request with a key waits counts the pace's longest wait too.
  channels = await startStack({
    mock,
    bff: { getToken: () => 't1', locationId: 'loc1', previewSecret: SECRET, messageTypes: ['SMS', 'WhatsApp', 'Email'], upstreamTimeoutMs: 1500, rateLimit: { max: 10_000, intervalMs: 10_000, maxWaitMs: 30_000 } },
  });
});
afterAll(() => Promise.all([stack?.close(), channels?.close()]));

async function upload(conversationId: string, names: string[], target = stack): Promise<UploadResponseBody['files']> {
  const response = await fetch(target.endpoint, {
    method: 'POST',
    headers: { 'X-Requested-With': 'ghl-attachments' },
    body: formOf([['conversationId', conversationId], ...names.map((name) => ({ name, bytes: pngOfSize(300), type: 'image/png' }))]),
  });
  expect(response.status).toBe(200);
  return ((await response.json()) as UploadResponseBody).files;
}

interface Answer {
  status: number;
  headers: Headers;
  json: SendMessageResponseBody & ErrorResponseBody;
}

async function send(body: unknown, key: string | null = randomUUID(), target = stack, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`${target.endpoint}/messages`, {
    method: 'POST',
    headers: { ...HEADERS, ...(key === null ? {} : { 'Idempotency-Key': key }), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  expect(text).not.toContain('t1');
  return { status: response.status, headers: response.headers, json: JSON.parse(text) as Answer['json'] };
}

const sent = () => stack.mock.stats.messagesSent;

describe('sending a message', () => {
  it('sends the text and HighLevel’s URLs of the uploaded files to the conversation’s contact, once', async () => {
    const files = await upload('conv1', ['a.png', 'b.png']);
    expect(files.every((file) => typeof file.handle === 'string')).toBe(true);
    const before = sent();
    const { status, json, headers } = await send({ conversationId: 'conv1', message: 'Here you go', attachments: files.map((file) => file.handle) });
    expect(status).toBe(200);
    expect(json).toMatchObject({ conversationId: 'conv1', type: 'SMS', status: 'delivered', attachments: files.map((file) => file.url) });
    expect(json.messageId).toMatch(/\w+/);
    expect(headers.get('idempotent-replayed')).toBeNull();
    expect(sent()).toBe(before + 1);
    const message = stack.mock.thread('conv1').at(-1)!;
    expect(message).toMatchObject({ id: json.messageId, body: 'Here you go', contactId: 'contact-conv1', attachments: files.map((file) => file.url) });
    expect(asked.at(-1)).toEqual({ action: 'send', conversationId: 'conv1', locationId: 'loc1' });
  });

  it('sends files alone, and an email with its subject as Email', async () => {
    const [file] = await upload('mail1', ['scan.png']);
    const { status, json } = await send({ conversationId: 'mail1', subject: 'Your scan', attachments: [file!.handle] });
    expect(status).toBe(200);
    expect(json.type).toBe('Email');
    expect(stack.mock.thread('mail1').at(-1)).toMatchObject({ messageType: 'TYPE_EMAIL', attachments: [file!.url], meta: { email: { subject: 'Your scan' } } });
  });

  it('lets the client choose among the allowed types, and uses the conversation’s channel when it does not', async () => {
    expect((await send({ conversationId: 'conv1', message: 'hi', type: 'WhatsApp' }, randomUUID(), channels)).json.type).toBe('WhatsApp');
    expect((await send({ conversationId: 'conv1', message: 'hi' }, randomUUID(), channels)).json.type).toBe('SMS');
    // A review conversation has no channel of its own: the first allowed type.
    expect((await send({ conversationId: 'review1', message: 'hi' }, randomUUID(), channels)).json.type).toBe('SMS');
  });
});

describe('refused before HighLevel hears of it', () => {
  const otherHandle = (claims: Partial<{ url: string; locationId: string; conversationId: string; expiresAt: number }>): string =>
    signPreview(
      { url: `${stack.mock.url}/conversations-assets/x.png`, locationId: 'loc1', conversationId: 'conv1', expiresAt: Math.floor(Date.now() / 1000) + 600, ...claims },
      SECRET,
    );

  it.each([
    ['a bare URL', () => 'https://example.com/cat.png', 403, 'attachment-not-signed'],
    ['a handle signed with another secret', () => signPreview({ url: 'https://x/a.png', locationId: 'loc1', conversationId: 'conv1', expiresAt: 2e9 }, 'x'.repeat(32)), 403, 'attachment-not-signed'],
    ['a tampered handle', () => `${otherHandle({})}x`, 403, 'attachment-not-signed'],
    ['a handle of another conversation', () => otherHandle({ conversationId: 'conv3' }), 403, 'attachment-other-conversation'],
    ['a handle of another location', () => otherHandle({ locationId: 'loc2' }), 403, 'attachment-other-conversation'],
    ['an expired handle', () => otherHandle({ expiresAt: Math.floor(Date.now() / 1000) - 1 }), 403, 'attachment-expired'],
  ] as [string, () => string, number, string][])('%s as an attachment', async (_name, handle, status, code) => {
    const before = sent();
    const answer = await send({ conversationId: 'conv1', message: 'look', attachments: [handle()] });
    expect([answer.status, answer.json.error.code]).toEqual([status, code]);
    expect(sent()).toBe(before);
  });

  it('a handle of a file really uploaded for another conversation', async () => {
    const [file] = await upload('conv3', ['elsewhere.png']);
    const answer = await send({ conversationId: 'conv1', attachments: [file!.handle] });
    expect([answer.status, answer.json.error.code]).toEqual([403, 'attachment-other-conversation']);
  });

  it.each([
    ['nothing to send', { conversationId: 'conv1' }, 400, 'message-empty'],
    ['only spaces', { conversationId: 'conv1', message: '  \n ', attachments: [] }, 400, 'message-empty'],
    ['a type the server does not allow', { conversationId: 'conv1', message: 'hi', type: 'Email' }, 400, 'message-type-not-allowed'],
    ['a review conversation, with no channel of its own', { conversationId: 'review1', message: 'hi' }, 400, 'message-type-not-allowed'],
    ['an email without subject', { conversationId: 'mail1', message: 'hi' }, 400, 'email-subject-required'],
    ['a conversation of another location', { conversationId: 'conv2', message: 'hi' }, 403, 'conversation-other-location'],
    ['a conversation HighLevel does not know', { conversationId: 'nope', message: 'hi' }, 404, 'conversation-not-found'],
    ['six attachments', { conversationId: 'conv1', attachments: Array(6).fill('x') }, 400, 'too-many-attachments'],
    ['a contactId of the browser’s', { conversationId: 'conv1', message: 'hi', contactId: 'someone-else' }, 400, 'bad-request'],
    ['no conversation', { message: 'hi' }, 400, 'missing-conversation-id'],
    ['a conversation id with a slash', { conversationId: '../x', message: 'hi' }, 400, 'invalid-conversation-id'],
    ['an unknown type', { conversationId: 'conv1', message: 'hi', type: 'Fax' }, 400, 'bad-request'],
    ['a number for the text', { conversationId: 'conv1', message: 5 }, 400, 'bad-request'],
    ['JSON that is not an object', [1, 2], 400, 'bad-request'],
    ['an empty JSON array', [], 400, 'bad-request'],
    ['a JSON number', 5, 400, 'bad-request'],
    ['a JSON string', '"hi"', 400, 'bad-request'],
    ['JSON null', 'null', 400, 'bad-request'],
    ['an empty conversation id', { conversationId: '', message: 'hi' }, 400, 'missing-conversation-id'],
    ['a number for the conversation', { conversationId: 7, message: 'hi' }, 400, 'missing-conversation-id'],
    ['attachments that are no list', { conversationId: 'conv1', attachments: 'x' }, 400, 'bad-request'],
    ['a number as an attachment', { conversationId: 'conv1', attachments: [5] }, 400, 'bad-request'],
    ['a handle past 4,096 characters', { conversationId: 'conv1', attachments: ['x'.repeat(4097)] }, 400, 'bad-request'],
    ['a handle of 4,096 characters, not signed', { conversationId: 'conv1', attachments: ['x'.repeat(4096)] }, 403, 'attachment-not-signed'],
    ['five attachments, not signed', { conversationId: 'conv1', attachments: Array(5).fill('x') }, 403, 'attachment-not-signed'],
    ['JSON that does not parse', '{"conversationId":', 400, 'bad-request'],
    ['a body past 64 KB', { conversationId: 'conv1', message: 'x'.repeat(70_000) }, 413, 'message-too-large'],
  ] as const)('%s', async (_name, body, status, code) => {
    const before = sent();
    const answer = await send(body);
    expect([answer.status, answer.json.error.code]).toEqual([status, code]);
    expect(sent()).toBe(before);
  });

  it('six attachments are refused with the limit in the words', async () => {
    const answer = await send({ conversationId: 'conv1', attachments: Array(6).fill('x') });
    expect(answer.json.error.message).toContain('(5 max)');
  });

  it('a send with no Content-Type at all', async () => {
    const response = await fetch(`${stack.endpoint}/messages`, {
      method: 'POST',
      headers: { 'X-Requested-With': 'ghl-attachments', 'Idempotency-Key': randomUUID() },
      body: new TextEncoder().encode(JSON.stringify({ conversationId: 'conv1', message: 'hi' })),
    });
    expect([response.status, ((await response.json()) as ErrorResponseBody).error.code]).toEqual([400, 'bad-request']);
  });

  it('a send without an Idempotency-Key, or with one too short, and one not sent as JSON', async () => {
    expect((await send({ conversationId: 'conv1', message: 'hi' }, null)).json.error.code).toBe('idempotency-key-required');
    expect((await send({ conversationId: 'conv1', message: 'hi' }, 'short')).json.error.code).toBe('idempotency-key-required');
    const form = await send({ conversationId: 'conv1', message: 'hi' }, randomUUID(), stack, { 'Content-Type': 'text/plain' });
    expect([form.status, form.json.error.code]).toEqual([400, 'bad-request']);
  });

  it('a send without the widget’s header (a form of another site), a GET, and one authorize refuses', async () => {
    expect((await send({ conversationId: 'conv1', message: 'hi' }, randomUUID(), stack, { 'X-Requested-With': 'x' })).json.error.code).toBe(
      'missing-requested-with',
    );
    expect((await fetch(`${stack.endpoint}/messages`)).status).toBe(405);
    allow = false;
    try {
      const before = sent();
      const answer = await send({ conversationId: 'conv1', message: 'hi' });
      expect([answer.status, answer.json.error.code]).toEqual([401, 'unauthorized']);
      expect(sent()).toBe(before);
    } finally {
      allow = true;
    }
  });
});

describe('HighLevel’s refusals of a send', () => {
  it('a 422 is message-rejected, kept for the key: its retry sends nothing', async () => {
    stack.mock.failNextSend({ kind: 'answer', status: 422, body: { statusCode: 422, message: ['contactId should not be empty'] } });
    const key = randomUUID();
    const first = await send({ conversationId: 'conv1', message: 'refused' }, key);
    expect([first.status, first.json.error.code]).toEqual([502, 'message-rejected']);
    const before = stack.mock.stats.conversationRequests;
    const again = await send({ conversationId: 'conv1', message: 'refused' }, key);
    expect([again.status, again.json.error.code]).toEqual([502, 'message-rejected']);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(stack.mock.stats.conversationRequests).toBe(before);
  });

  it('a 429 is rate-limited with its wait, and a retry with the same key then sends', async () => {
    stack.mock.failNextSend({ kind: 'answer', status: 429, body: { statusCode: 429, message: 'Too Many Requests' }, headers: { 'Retry-After': '3' } });
    const key = randomUUID();
    const first = await send({ conversationId: 'conv1', message: 'later' }, key);
    expect([first.status, first.json.error.code, first.json.error.retryAfter]).toEqual([429, 'rate-limited', 3]);
    expect(first.headers.get('retry-after')).toBe('3');
    const before = sent();
    const retry = await send({ conversationId: 'conv1', message: 'later' }, key);
    expect(retry.status).toBe(200);
    expect(sent()).toBe(before + 1);
  });

  it('a 401 is highlevel-auth, and the token is reported refused', async () => {
    refused.mockClear();
    stack.mock.failNextSend({ kind: 'answer', status: 401, body: { statusCode: 401, message: 'Invalid token' } });
    const answer = await send({ conversationId: 'conv1', message: 'x' });
    expect([answer.status, answer.json.error.code]).toEqual([502, 'highlevel-auth']);
    expect(refused).toHaveBeenCalledWith({ locationId: 'loc1', token: 't1' });
  });

  it.each([
    ['a 500', { kind: 'answer', status: 500, body: { statusCode: 500, message: 'Internal server error' } }, 502, 'highlevel-unavailable'],
    ['a redirect', { kind: 'redirect', location: 'https://example.com/' }, 502, 'highlevel-unavailable'],
    ['a reset', { kind: 'reset' }, 502, 'highlevel-unavailable'],
    ['no answer', { kind: 'hang' }, 504, 'highlevel-timeout'],
  ] as const)('%s: answered with its code', async (_name, fault, status, code) => {
    stack.mock.failNextSend(fault);
    const answer = await send({ conversationId: 'conv1', message: 'x' });
    expect([answer.status, answer.json.error.code]).toEqual([status, code]);
  });
});

describe('one message per Idempotency-Key', () => {
  it('answers a retry with the first answer, marked replayed, without sending again', async () => {
    const key = randomUUID();
    const body = { conversationId: 'conv1', message: 'once' };
    const first = await send(body, key);
    const before = sent();
    const again = await send(body, key);
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(sent()).toBe(before);
  });

  it('refuses the same key with another body with 422, and keeps the first answer for the first body', async () => {
    const key = randomUUID();
    await send({ conversationId: 'conv1', message: 'first' }, key);
    const other = await send({ conversationId: 'conv1', message: 'second' }, key);
    expect([other.status, other.json.error.code]).toEqual([422, 'idempotency-key-reused']);
    expect((await send({ conversationId: 'conv1', message: 'first' }, key)).status).toBe(200);
  });

  it('makes one message of a double click: the second request waits for the first one’s answer', async () => {
    stack.mock.failNextSend({ kind: 'delay', ms: 400 });
    const key = randomUUID();
    const body = { conversationId: 'conv1', message: 'double click' };
    const before = sent();
    const [a, b] = await Promise.all([send(body, key), send(body, key)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.json.messageId).toBe(b.json.messageId);
    expect(sent()).toBe(before + 1);
  });

  it('makes one message of a double click with the fleet’s pace on, whose longest wait the second request may wait too', async () => {
    channels.mock.failNextSend({ kind: 'delay', ms: 300 });
    const key = randomUUID();
    const body = { conversationId: 'conv1', message: 'double click, paced' };
    const [a, b] = await Promise.all([send(body, key, channels), send(body, key, channels)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(a.json.messageId).toBe(b.json.messageId);
  });

  it('refuses another body with 422 while the first is still sending', async () => {
    stack.mock.failNextSend({ kind: 'delay', ms: 400 });
    const key = randomUUID();
    const first = send({ conversationId: 'conv1', message: 'slow' }, key);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const other = await send({ conversationId: 'conv1', message: 'fast' }, key);
    expect(other.json.error.code).toBe('idempotency-key-reused');
    expect((await first).status).toBe(200);
  });

  it('sees a send through when the client goes away, and answers its retry with that send', async () => {
    stack.mock.failNextSend({ kind: 'delay', ms: 400 });
    const key = randomUUID();
    const body = JSON.stringify({ conversationId: 'conv1', message: 'answer cut' });
    const before = sent();
    const cut = fetch(`${stack.endpoint}/messages`, { method: 'POST', headers: { ...HEADERS, 'Idempotency-Key': key }, body, signal: AbortSignal.timeout(150) });
    await expect(cut).rejects.toThrow();
    const retry = await send(body, key);
    expect(retry.status).toBe(200);
    expect(sent()).toBe(before + 1);
    expect(stack.mock.thread('conv1').filter((message) => message.body === 'answer cut')).toHaveLength(1);
  });

  it('keys are per location: the same key in another location, on the same store, is another message', async () => {
    const key = randomUUID();
    const before = sent();
    await send({ conversationId: 'conv1', message: 'loc1' }, key);
    const other = await startStack({
      mock: { tokens: [{ token: 't2', locationId: 'loc2' }], conversations: [{ id: 'c', locationId: 'loc2' }] },
      bff: { getToken: () => 't2', locationId: 'loc2', sharedStore: shared },
    });
    try {
      expect((await send({ conversationId: 'c', message: 'loc1' }, key, other)).status).toBe(200);
    } finally {
      await other.close();
    }
    expect(sent()).toBe(before + 1);
  });
});

describe('what goes to HighLevel, and what comes back', () => {
  it('asks the token of the location for each call, logs the send once (not its replay), and reports no token refused', async () => {
    tokenAsked.mockClear();
    refused.mockClear();
    logs.length = 0;
    const key = randomUUID();
    const body = { conversationId: 'conv1', message: 'logged' };
    expect((await send(body, key)).status).toBe(200);
    expect(tokenAsked.mock.calls).toEqual([[{ locationId: 'loc1' }], [{ locationId: 'loc1' }]]);
    expect(logs).toEqual([['info', 'sent', { attachments: 0, status: 200, ms: expect.any(Number) }]]);
    expect((logs[0]![2] as { ms: number }).ms).toBeLessThan(60_000);
    expect((await send(body, key)).headers.get('idempotent-replayed')).toBe('true');
    expect(logs).toHaveLength(1);
    expect(refused).not.toHaveBeenCalled();
  });

  it('an email of html alone goes as html', async () => {
    const { status, json } = await send({ conversationId: 'mail1', html: '<p>Your files</p>' });
    expect([status, json.type]).toEqual([200, 'Email']);
    expect(stack.mock.thread('mail1').at(-1)).toMatchObject({ body: '<p>Your files</p>', contentType: 'text/html' });
  });

  it('a conversation goes by its channel where that is allowed, else as the first allowed type', async () => {
    expect((await send({ conversationId: 'mail1', message: 'hi', subject: 'Files' }, randomUUID(), channels)).json.type).toBe('Email');
    expect((await send({ conversationId: 'fb1', message: 'hi' }, randomUUID(), channels)).json.type).toBe('SMS');
  });

  it('answers with what HighLevel said of the message: its ids and status, the conversation, and nothing it did not say', async () => {
    stack.mock.failNextSend(
      { kind: 'answer', status: 200, body: { conversationId: 'conv-of-highlevel', messageIds: ['m1', 5, 'm2'], status: 'queued' } },
      { kind: 'answer', status: 201, body: { conversationId: 7, messageId: 'm9', messageIds: 'm9', status: 3 } },
      { kind: 'answer', status: 299, body: { messageId: 'm10' } },
    );
    expect((await send({ conversationId: 'conv1', message: 'a' })).json).toEqual({
      conversationId: 'conv-of-highlevel',
      messageId: '',
      messageIds: ['m1', 'm2'],
      status: 'queued',
      type: 'SMS',
      attachments: [],
    });
    expect((await send({ conversationId: 'conv1', message: 'b' })).json).toEqual({ conversationId: 'conv1', messageId: 'm9', type: 'SMS', attachments: [] });
    const last = await send({ conversationId: 'conv1', message: 'c' });
    expect([last.status, last.json.messageId]).toEqual([200, 'm10']);
  });

  it('logs HighLevel’s refusal with its status and the start of its body, a bearer token masked', async () => {
    logs.length = 0;
    refused.mockClear();
    const words = `Bearer  sk-secret-token is not allowed here; ${'x'.repeat(600)}`;
    stack.mock.failNextSend({ kind: 'answer', status: 422, body: { statusCode: 422, message: [words] } });
    expect((await send({ conversationId: 'conv1', message: 'x' })).json.error.code).toBe('message-rejected');
    const [line] = logs.filter(([level]) => level === 'warn');
    expect(line?.[1]).toBe('HighLevel refused a message');
    const fields = line?.[2] as { status: number; body: string };
    expect(fields.status).toBe(422);
    expect(fields.body).toContain('Bearer [token] is not allowed here');
    expect(fields.body).not.toContain('secret');
    expect(fields.body.length).toBeLessThanOrEqual(500);
    expect(fields.body.length).toBeGreaterThan(400);
    // A refusal of the message is not a refusal of the token.
    expect(refused).not.toHaveBeenCalled();
  });

  it.each([
    ['a file too large (413)', 413],
    ['a type it does not take (415)', 415],
  ])('HighLevel refusing %s is message-rejected, kept for the key', async (_name, status) => {
    stack.mock.failNextSend({ kind: 'answer', status, body: { status, message: 'Failed to upload the files' } });
    const key = randomUUID();
    const first = await send({ conversationId: 'conv1', message: `refused ${status}` }, key);
    expect([first.status, first.json.error.code]).toEqual([502, 'message-rejected']);
    const before = sent();
    const again = await send({ conversationId: 'conv1', message: `refused ${status}` }, key);
    expect([again.json.error.code, again.headers.get('idempotent-replayed'), sent()]).toEqual(['message-rejected', 'true', before]);
  });

  it('a 401 with a token provider that has no refused hook is still highlevel-auth', async () => {
    channels.mock.failNextSend({ kind: 'answer', status: 401, body: { statusCode: 401, message: 'Invalid token' } });
    expect((await send({ conversationId: 'conv1', message: 'x' }, randomUUID(), channels)).json.error.code).toBe('highlevel-auth');
    channels.mock.failNextConversationRead({ kind: 'answer', status: 401, body: { statusCode: 401, message: 'Invalid token' } });
    expect((await send({ conversationId: 'conv1', message: 'x' }, randomUUID(), channels)).json.error.code).toBe('highlevel-auth');
  });
});

describe('HighLevel’s answers to the conversation read', () => {
  const conversation = (fields: Record<string, unknown>) => ({ id: 'conv1', locationId: 'loc1', contactId: 'contact-conv1', type: 1, ...fields });

  it.each([
    ['a 404', { kind: 'answer', status: 404, body: { statusCode: 404, message: 'Not found' } }, 404, 'conversation-not-found'],
    ['a 500', { kind: 'answer', status: 500, body: { statusCode: 500, message: 'Internal server error' } }, 502, 'highlevel-unavailable'],
    ['a 401', { kind: 'answer', status: 401, body: { statusCode: 401, message: 'Invalid token' } }, 502, 'highlevel-auth'],
    ['a conversation of another location', { kind: 'answer', status: 200, body: conversation({ locationId: 'loc2' }) }, 403, 'conversation-other-location'],
    ['a deleted conversation', { kind: 'answer', status: 200, body: conversation({ deleted: true }) }, 404, 'conversation-not-found'],
    ['a conversation without its contact', { kind: 'answer', status: 200, body: conversation({ contactId: undefined }) }, 502, 'highlevel-rejected'],
    ['a conversation with an empty contact', { kind: 'answer', status: 200, body: conversation({ contactId: '' }) }, 502, 'highlevel-rejected'],
  ] as const)('%s: answered with its code, and nothing is sent', async (_name, fault, status, code) => {
    refused.mockClear();
    stack.mock.failNextConversationRead(fault);
    const before = sent();
    const answer = await send({ conversationId: 'conv1', message: 'x' });
    expect([answer.status, answer.json.error.code]).toEqual([status, code]);
    expect(sent()).toBe(before);
    expect(refused.mock.calls).toEqual(fault.status === 401 ? [[{ locationId: 'loc1', token: 't1' }]] : []);
  });

  it('any 2xx is the conversation: a 299 too', async () => {
    stack.mock.failNextConversationRead({ kind: 'answer', status: 299, body: conversation({}) });
    expect((await send({ conversationId: 'conv1', message: 'x' })).status).toBe(200);
  });
});
