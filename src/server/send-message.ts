import { parseContentType } from './content-type.js';
import { uploadError, isUploadError } from '../shared/upload-error.js';
import {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENCY_KEY_PATTERN,
  IDEMPOTENT_REPLAYED_HEADER,
  MAX_ATTACHMENTS_PER_MESSAGE,
  MAX_MESSAGE_BODY_BYTES,
  MESSAGE_TYPES,
  type MessageType,
  type SendMessageResponseBody,
} from '../shared/message-wire.js';
import { resolveCaller } from './auth/session.js';
import { checkCaller } from './check-request.js';
import { errorResponse, jsonResponse } from './error-response.js';
import { callHighLevel, type HighLevelJsonAnswer } from './highlevel-json.js';
import { hashBody, idempotencyScope, once, type KeptAnswer } from './idempotency.js';
import { mapHighLevelError } from './map-highlevel-error.js';
import type { ResolvedLogger } from './logger.js';
import type { Caller, Callers, HighLevel, Limits, Origins, Previews, Shared } from './resolve-options.js';
import { verifyPreview } from './preview-link.js';
import { readJsonBody } from './read-json-body.js';
import { waitForTurn } from './store/wait-for-turn.js';

const CONVERSATION_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
/** The longest handle taken: a signed handle of a long URL is well under this. */
const MAX_HANDLE_LENGTH = 4096;

/**
 * The channel a conversation uses, by HighLevel's conversation `type` (its API docs,
 * Conversations → Get Conversation): 1 phone and 5 group SMS answer by SMS, 2 email by Email,
 * 3 Facebook Messenger by FB. A review (4) has no message channel.
 */
const CHANNEL_OF_CONVERSATION: Record<number, MessageType> = { 1: 'SMS', 2: 'Email', 3: 'FB', 5: 'SMS' };

/** A send's body once checked: only what the browser may say. */
interface SendRequest {
  conversationId: string;
  type: MessageType | undefined;
  message: string | undefined;
  subject: string | undefined;
  html: string | undefined;
  attachments: string[];
}

/**
 * `POST {route}/messages`: sends a message with files this server uploaded to the contact of a
 * conversation. The conversation is read from HighLevel (its contact, its location: the caller's
 * or 403), each attachment must be a handle this server signed for that location and
 * conversation (HighLevel's own URL goes out, never one the browser wrote), `authorize` is asked
 * with `action: 'send'`, and the send is idempotent by the `Idempotency-Key` header across every
 * instance sharing the store.
 */
/**
 * What a send reads: the origin and caller checks, the body's deadline and the file rules (for
 * HighLevel's refusals), the handles' secret, HighLevel, the store, the message types, the log.
 */
export interface SendMessageOptions {
  origins: Pick<Origins, 'publicOrigin' | 'allowedOrigins'>;
  callers: Pick<Callers, 'sso' | 'resolveLocationId' | 'authorize'>;
  limits: Pick<Limits, 'unauthenticatedDeadlineMs' | 'maxFileSize' | 'allowedTypes'>;
  previews: Pick<Previews, 'previewSecret'>;
  highlevel: HighLevel;
  shared: Shared;
  /** `undefined`: the conversation's own channel only. */
  messageTypes: readonly MessageType[] | undefined;
  logger: ResolvedLogger;
}

export async function sendMessageRoute(request: Request, options: SendMessageOptions): Promise<Response> {
  checkCaller(request, options.origins);
  if (parseContentType(request.headers.get('content-type'))?.type !== 'application/json') throw uploadError('bad-request');
  // No header reads as 'null', which is too short to be a key.
  const key = String(request.headers.get(IDEMPOTENCY_KEY_HEADER));
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) throw uploadError('idempotency-key-required');
  const caller = await resolveCaller(request, options.callers);
  // A send holds up to its body while it arrives, within the strangers' deadline, in its
  // address's place (taken by the route).
  const body: SendRequest = parseBody(await readJsonBody(request, { limit: MAX_MESSAGE_BODY_BYTES, deadlineMs: options.limits.unauthenticatedDeadlineMs, tooLarge: 'message-too-large' }));
  const { locationId, user } = caller;
  const context = { action: 'send', conversationId: body.conversationId, locationId, ...(user ? { user } : {}) } as const;
  if (!(await options.callers.authorize(request, context))) throw uploadError('unauthorized');

  const started = Date.now();
  const { answer, replayed } = await once(
    {
      store: options.shared.store,
      scope: idempotencyScope(locationId, key),
      bodyHash: hashBody(body),
      // Two calls to HighLevel, each within its timeout and after its turn, and some slack.
      maxRunMs: 2 * (options.highlevel.upstreamTimeoutMs + (options.shared.rateLimit?.maxWaitMs ?? 0)) + 5000,
    },
    () => send(body, caller, options),
  );
  if (!replayed) options.logger.info('sent', { attachments: body.attachments.length, status: answer.status, ms: Date.now() - started });
  return jsonResponse(answer.status, answer.body, replayed ? { [IDEMPOTENT_REPLAYED_HEADER]: 'true' } : {});
}

function parseBody(value: unknown): SendRequest {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw uploadError('bad-request');
  const { conversationId, type, message, subject, html, attachments = [], ...rest } = value as Record<string, unknown>;
  // A `contactId`, `locationId` or raw `attachmentUrls` is refused, not dropped: the caller learns its mistake.
  if (Object.keys(rest).length > 0) throw uploadError('bad-request');
  if (typeof conversationId !== 'string' || conversationId === '') throw uploadError('missing-conversation-id');
  if (!CONVERSATION_ID_PATTERN.test(conversationId)) throw uploadError('invalid-conversation-id');
  if (type !== undefined && !MESSAGE_TYPES.includes(type as MessageType)) throw uploadError('bad-request');
  for (const field of [message, subject, html]) if (field !== undefined && typeof field !== 'string') throw uploadError('bad-request');
  if (!Array.isArray(attachments) || attachments.some((handle) => typeof handle !== 'string' || handle.length > MAX_HANDLE_LENGTH)) {
    throw uploadError('bad-request');
  }
  if (attachments.length > MAX_ATTACHMENTS_PER_MESSAGE) throw uploadError('too-many-attachments', { values: { maxFiles: MAX_ATTACHMENTS_PER_MESSAGE } });
  const text = (s: unknown) => (typeof s === 'string' && s.trim() !== '' ? s : undefined);
  const body: SendRequest = {
    conversationId,
    type: type as MessageType | undefined,
    message: text(message),
    subject: text(subject),
    html: text(html),
    attachments: attachments as string[],
  };
  if (!body.message && !body.html && body.attachments.length === 0) throw uploadError('message-empty');
  return body;
}

/** The files' HighLevel URLs, from handles this server signed for this location and conversation. */
function attachmentUrls(handles: readonly string[], locationId: string, conversationId: string, previews: Pick<Previews, 'previewSecret'>): string[] {
  return handles.map((handle) => {
    let claims;
    try {
      claims = verifyPreview(handle, previews.previewSecret);
    } catch (error) {
      if (isUploadError(error) && error.code === 'preview-link-expired') throw uploadError('attachment-expired');
      throw uploadError('attachment-not-signed');
    }
    if (claims.locationId !== locationId || claims.conversationId !== conversationId) throw uploadError('attachment-other-conversation');
    return claims.url;
  });
}

/** The send itself, run once per idempotency key. */
async function send(body: SendRequest, caller: Caller, options: SendMessageOptions): Promise<KeptAnswer> {
  const { locationId } = caller;
  const attachments = attachmentUrls(body.attachments, locationId, body.conversationId, options.previews);
  // The client's going away does not stop a send: its answer is kept for the retry.
  const never = new AbortController().signal;

  await waitForTurn(locationId, options.shared, never);
  let token = await options.highlevel.getToken({ locationId });
  const read = await callHighLevel(options, token, 'GET', `/conversations/${encodeURIComponent(body.conversationId)}`);
  if (read.status === 401) options.highlevel.getToken.refused?.({ locationId, token });
  const conversation = conversationOf(read, locationId, options.limits);
  const type = messageType(body.type, conversation.type, options.messageTypes);
  if (type === 'Email' && !body.subject && !body.html) throw uploadError('email-subject-required');

  await waitForTurn(locationId, options.shared, never);
  token = await options.highlevel.getToken({ locationId });
  // JSON leaves out the fields that are undefined: only what the message has is sent.
  const sent = await callHighLevel(options, token, 'POST', '/conversations/messages', {
    type,
    contactId: conversation.contactId,
    message: body.message,
    subject: body.subject,
    html: body.html,
    attachments: attachments.length === 0 ? undefined : attachments,
  });
  if (sent.status < 200 || sent.status > 299) {
    options.logger.warn('HighLevel refused a message', { status: sent.status, body: sent.text.slice(0, 500).replace(/Bearer\s+\S+/gi, 'Bearer [token]') });
    if (sent.status === 401) options.highlevel.getToken.refused?.({ locationId, token });
    const error = mapHighLevelError(sent.status, sent.data, sent.headers, options.limits);
    const final = error.code === 'highlevel-rejected' || error.code === 'file-too-large' || error.code === 'file-type-not-allowed';
    // HighLevel said no to this very message (400, 422): that answer is kept for the key like a
    // success, so that retrying it cannot send it later. Anything else (429, 5xx, a token
    // refused) sent nothing, and a retry may try again.
    if (final) return answerOf(errorResponse(uploadError('message-rejected'), options.logger));
    throw error;
  }
  const data = (sent.data ?? {}) as { conversationId?: unknown; messageId?: unknown; messageIds?: unknown; status?: unknown };
  const answer: SendMessageResponseBody = {
    conversationId: typeof data.conversationId === 'string' ? data.conversationId : body.conversationId,
    messageId: typeof data.messageId === 'string' ? data.messageId : '',
    ...(Array.isArray(data.messageIds) ? { messageIds: data.messageIds.filter((id): id is string => typeof id === 'string') } : {}),
    ...(typeof data.status === 'string' ? { status: data.status } : {}),
    type,
    attachments,
  };
  return { status: 200, body: answer };
}

async function answerOf(response: Response): Promise<KeptAnswer> {
  return { status: response.status, body: await response.json() };
}

/** The conversation's contact and channel, once HighLevel says it is the caller's location's. */
function conversationOf(read: HighLevelJsonAnswer, locationId: string, limits: Pick<Limits, 'maxFileSize' | 'allowedTypes'>): { contactId: string; type: number } {
  // HighLevel documents 400 for this read; an unknown id is 400 (or 404), one the token may not
  // see is 403 (its location is another's).
  if (read.status === 400 || read.status === 404) throw uploadError('conversation-not-found');
  if (read.status === 403) throw uploadError('conversation-other-location');
  if (read.status < 200 || read.status > 299) throw mapHighLevelError(read.status, read.data, read.headers, limits);
  const conversation = (read.data ?? {}) as { contactId?: unknown; locationId?: unknown; type?: unknown; deleted?: unknown };
  if (conversation.locationId !== locationId) throw uploadError('conversation-other-location');
  if (conversation.deleted === true) throw uploadError('conversation-not-found');
  if (typeof conversation.contactId !== 'string' || conversation.contactId === '') throw uploadError('highlevel-rejected');
  return { contactId: conversation.contactId, type: Number(conversation.type) };
}

/** The type to send as: the client's choice among the allowed, else the conversation's channel. */
function messageType(asked: MessageType | undefined, conversationType: number, messageTypes: SendMessageOptions['messageTypes']): MessageType {
  const channel = CHANNEL_OF_CONVERSATION[conversationType];
  const allowed = messageTypes ?? (channel ? [channel] : []);
  const type = asked ?? (channel && allowed.includes(channel) ? channel : allowed[0]);
  if (!type || !allowed.includes(type)) throw uploadError('message-type-not-allowed');
  return type;
}
