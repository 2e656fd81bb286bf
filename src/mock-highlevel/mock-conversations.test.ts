import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngOfSize } from '../testing/fixtures.js';
import { formOf } from '../testing/multipart.js';
import { startMockHighLevel, type RunningMockHighLevel } from './index.js';

// The mock's side of sending: conversations per location with their channel, the thread, and
// `POST /conversations/messages` validated as HighLevel's schema says.
let mock: RunningMockHighLevel;
const AUTH = { Authorization: 'Bearer good', Version: '2021-04-15' };

beforeAll(async () => {
  mock = await startMockHighLevel({
    tokens: [
      { token: 'good', locationId: 'loc1' },
      { token: 'other', locationId: 'loc2' },
      { token: 'writer', locationId: 'loc1', scopes: ['conversations/message.write'] },
    ],
    conversations: ['conv1', { id: 'mail1', locationId: 'loc1', contactId: 'ann', type: 2 }, { id: 'conv2', locationId: 'loc2' }],
    rateLimits: { max: 1000 },
  });
});
afterAll(() => mock.close());

const get = (path: string, headers: Record<string, string> = AUTH) => fetch(mock.url + path, { headers });
const send = (body: unknown, headers: Record<string, string> = AUTH) =>
  fetch(`${mock.url}/conversations/messages`, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('GET /conversations/{id}', () => {
  it('answers the conversation with its contact, location and channel', async () => {
    const phone = await get('/conversations/conv1');
    expect(phone.status).toBe(200);
    expect(await phone.json()).toMatchObject({ id: 'conv1', contactId: 'contact-conv1', locationId: 'loc1', type: 1, deleted: false });
    expect(await (await get('/conversations/mail1')).json()).toMatchObject({ contactId: 'ann', type: 2 });
  });

  it('refuses an unknown conversation with 400, one of another location with 403, a token without the read scope with 401', async () => {
    const unknown = await get('/conversations/nope');
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ statusCode: 400, message: 'Conversation not found' });
    const foreign = await get('/conversations/conv2');
    expect(foreign.status).toBe(403);
    expect((await get('/conversations/conv1', { Authorization: 'Bearer writer', Version: '2021-04-15' })).status).toBe(401);
    expect((await get('/conversations/conv1', { Authorization: 'Bearer good' })).status).toBe(400);
  });
});

describe('POST /conversations/messages', () => {
  it('stores the message in the contact’s conversation and answers its ids; the thread lists it, newest first, with its attachments', async () => {
    const first = await send({ type: 'SMS', contactId: 'contact-conv1', message: 'hello' });
    expect(first.status).toBe(200);
    const answer = (await first.json()) as { conversationId: string; messageId: string; status: string };
    expect(answer).toMatchObject({ conversationId: 'conv1', status: 'delivered' });
    await send({ type: 'SMS', contactId: 'contact-conv1', message: 'two files', attachments: ['https://x/a.png', 'https://x/b.pdf'] });
    const thread = (await (await get('/conversations/conv1/messages')).json()) as {
      messages: { id: string; body: string; attachments: string[]; messageType: string; direction: string }[];
    };
    expect(thread.messages.map((message) => message.body)).toEqual(['two files', 'hello']);
    expect(thread.messages[0]).toMatchObject({ attachments: ['https://x/a.png', 'https://x/b.pdf'], messageType: 'TYPE_SMS', direction: 'outbound' });
    expect(thread.messages[1]!.id).toBe(answer.messageId);
    expect(mock.thread('conv1')).toHaveLength(2);
  });

  it('answers 422 with every problem of the body, as NestJS validates the DTO', async () => {
    const response = await send({ type: 'Fax', attachments: 'https://x/a.png', message: 3 });
    expect(response.status).toBe(422);
    const body = (await response.json()) as { message: string[]; error: string };
    expect(body.error).toBe('Unprocessable Entity');
    expect(body.message).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^type must be one of/),
        'contactId should not be empty',
        'message must be a string',
        'attachments must be an array',
      ]),
    );
  });

  it('refuses a message with nothing in it, an email with no subject, a contact of another location, and JSON that does not parse', async () => {
    expect((await send({ type: 'SMS', contactId: 'contact-conv1' })).status).toBe(400);
    expect((await send({ type: 'Email', contactId: 'ann', message: 'hi' })).status).toBe(400);
    expect((await send({ type: 'Email', contactId: 'ann', message: 'hi', subject: 'Files' })).status).toBe(200);
    expect((await send({ type: 'SMS', contactId: 'contact-conv2', message: 'hi' })).status).toBe(400);
    expect((await send('{"type":')).status).toBe(400);
    expect(mock.thread('conv2')).toHaveLength(0);
  });

  it('plays the faults queued for sends, and only for sends', async () => {
    mock.failNextSend({ kind: 'answer', status: 503, body: { statusCode: 503, message: 'down' } });
    expect((await get('/conversations/conv1')).status).toBe(200);
    expect((await send({ type: 'SMS', contactId: 'contact-conv1', message: 'x' })).status).toBe(503);
    expect((await send({ type: 'SMS', contactId: 'contact-conv1', message: 'x' })).status).toBe(200);
  });

  it('plays the faults queued for conversation reads, and only for reads', async () => {
    mock.failNextConversationRead({ kind: 'answer', status: 500, body: { statusCode: 500, message: 'down' } }, { kind: 'answer', status: 200, body: { id: 'conv1', deleted: true } });
    expect((await send({ type: 'SMS', contactId: 'contact-conv1', message: 'x' })).status).toBe(200);
    const failed = await get('/conversations/conv1');
    expect([failed.status, await failed.json()]).toEqual([500, { statusCode: 500, message: 'down' }]);
    expect(await (await get('/conversations/conv1')).json()).toEqual({ id: 'conv1', deleted: true });
    const normal = await get('/conversations/conv1');
    expect([normal.status, ((await normal.json()) as { id: string }).id]).toEqual([200, 'conv1']);
  });
});

describe('an unknown conversation on upload', () => {
  it('is refused as HighLevel refuses it (500 with its words), and so is one of another location', async () => {
    for (const conversationId of ['nope', 'conv2']) {
      const response = await fetch(`${mock.url}/conversations/messages/upload`, {
        method: 'POST',
        headers: AUTH,
        body: formOf([['locationId', 'loc1'], ['conversationId', conversationId], { field: 'fileAttachment', name: 'a.png', bytes: pngOfSize(20) }]),
      });
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ statusCode: 500, message: `Conversation with id ${conversationId} not found` });
    }
  });
});
