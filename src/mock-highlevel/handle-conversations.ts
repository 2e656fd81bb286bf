import type { IncomingMessage } from 'node:http';
import { answers, type MockAnswer } from './highlevel-answers.js';
import { MESSAGE_TYPES } from '../shared/message-wire.js';
import type { MockConversations, MockMessageType } from './mock-conversations.js';

/** The scope each conversation route needs (HighLevel's API docs, Conversations). */
export const CONVERSATION_SCOPES = {
  read: 'conversations.readonly',
  thread: 'conversations/message.readonly',
  send: 'conversations/message.write',
} as const;

/** Which conversation route a path is, or `undefined`. */
export function conversationRoute(route: string, method: string | undefined): { kind: keyof typeof CONVERSATION_SCOPES; id?: string } | undefined {
  if (route === '/conversations/messages' && method === 'POST') return { kind: 'send' };
  if (method !== 'GET') return undefined;
  const thread = /^\/conversations\/([^/]+)\/messages$/.exec(route);
  if (thread) return { kind: 'thread', id: decodeURIComponent(thread[1]!) };
  const one = /^\/conversations\/([^/]+)$/.exec(route);
  // `/conversations/search` and the other fixed paths are not conversation ids.
  if (one && one[1] !== 'search' && one[1] !== 'messages') return { kind: 'read', id: decodeURIComponent(one[1]!) };
  return undefined;
}

// HighLevel documents 400 for these routes without the words; these are the mock's.
const conversationNotFound = (): MockAnswer => ({ status: 400, body: { statusCode: 400, message: 'Conversation not found' } });

/** `GET /conversations/{id}`: the conversation, in `GetConversationByIdResponse`'s fields. */
export function readConversation(id: string, locationId: string, conversations: MockConversations): MockAnswer {
  const conversation = conversations.get(id, locationId);
  if (conversation === 'other-location') return answers.wrongLocation();
  if (!conversation) return conversationNotFound();
  const { contactId, type } = conversation;
  return {
    status: 200,
    body: { id, contactId, locationId, deleted: false, inbox: true, type, unreadCount: 0, starred: false },
  };
}

/**
 * `GET /conversations/{id}/messages?limit=&lastMessageId=`: newest first, 20 by default, in
 * `GetMessagesByConversationResponseDto`'s fields. The docs show this shape; HighLevel's
 * developers report that real answers may nest it one level deeper (under `messages`) and leave
 * attachments out of listed messages (`GoHighLevel/highlevel-api-docs` #113, #212): the mock
 * keeps to the documented shape, with attachments, so that a thread shows what was sent.
 */
export function readThread(id: string, locationId: string, url: URL, conversations: MockConversations): MockAnswer {
  const conversation = conversations.get(id, locationId);
  if (conversation === 'other-location') return answers.wrongLocation();
  if (!conversation) return conversationNotFound();
  const limit = Math.min(100, Math.max(1, Number(url.searchParams.get('limit') ?? 20) || 20));
  const all = [...conversations.thread(id)].reverse();
  const after = url.searchParams.get('lastMessageId');
  const start = after ? all.findIndex((message) => message.id === after) + 1 : 0;
  const page = all.slice(start, start + limit);
  return { status: 200, body: { lastMessageId: page.at(-1)?.id ?? '', nextPage: start + limit < all.length, messages: page } };
}

/** Bytes a message body may have before the mock gives up on it (HighLevel's limit is not documented). */
const MAX_BODY = 1024 * 1024;

/**
 * `POST /conversations/messages`, checked as `SendMessageBodyDto` says, in NestJS's order: the
 * DTO's validation (422 with every problem), then the contact lookup. The file also marks
 * `subType` and `status` as required; public clients never send them and HighLevel takes
 * messages without them, so the mock does too.
 */
export async function sendMessage(req: IncomingMessage, locationId: string, conversations: MockConversations): Promise<MockAnswer> {
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    return answers.badRequest('Unexpected token in JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return answers.badRequest();
  const dto = body as Record<string, unknown>;
  const problems: string[] = [];
  if (!MESSAGE_TYPES.includes(dto.type as MockMessageType)) problems.push(`type must be one of the following values: ${MESSAGE_TYPES.join(', ')}`);
  if (typeof dto.contactId !== 'string' || dto.contactId === '') problems.push('contactId should not be empty', 'contactId must be a string');
  for (const field of ['message', 'html', 'subject'] as const) {
    if (dto[field] !== undefined && typeof dto[field] !== 'string') problems.push(`${field} must be a string`);
  }
  const attachments = dto.attachments ?? [];
  if (!Array.isArray(attachments)) problems.push('attachments must be an array');
  else if (attachments.some((url) => typeof url !== 'string')) problems.push('each value in attachments must be a string');
  if (problems.length > 0) return answers.unprocessable(problems);

  const type = dto.type as MockMessageType;
  const contactId = dto.contactId as string;
  const fields = { message: dto.message as string | undefined, html: dto.html as string | undefined, subject: dto.subject as string | undefined };
  const urls = attachments as string[];
  if (!fields.message && !fields.html && urls.length === 0) return answers.badRequest('Message body or attachments are required');
  if (type === 'Email' && !fields.subject && !fields.html) return answers.badRequest('Subject or html is required for an email');
  const conversation = conversations.byContact(contactId, locationId) ?? openConversation(contactId, locationId, conversations);
  if (!conversation) return answers.badRequest('Contact not found');
  const message = conversations.add(conversation, type, { ...fields, attachments: urls });
  return {
    status: 200,
    body: {
      conversationId: conversation.id,
      messageId: message.id,
      status: 'delivered',
      ...(type === 'Email' ? { emailMessageId: message.id } : {}),
    },
  };
}

/** With every id open, a contact `contact-{id}` is that conversation's. */
function openConversation(contactId: string, locationId: string, conversations: MockConversations) {
  const id = /^contact-(.+)$/.exec(contactId)?.[1];
  if (!id || !conversations.exists(id, locationId)) return undefined;
  const conversation = conversations.get(id, locationId);
  return typeof conversation === 'object' && conversation.contactId === contactId ? conversation : undefined;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
