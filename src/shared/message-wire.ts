/**
 * What travels between the browser and the BFF to send a message: `POST {endpoint}/messages`.
 * HighLevel's own body (`contactId`, the file URLs) stays inside the server.
 */

/** The path under the route that sends a message. */
export const MESSAGES_PATH = '/messages';

/**
 * The header that makes a send safe to retry: a new random key per message, the same on every
 * retry of it. The BFF keeps the first answer for a key 24 hours.
 */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** The answer to a replayed key carries this header (`true`): nothing was sent again. */
export const IDEMPOTENT_REPLAYED_HEADER = 'Idempotent-Replayed';

/** What a key may look like: 8 to 255 visible ASCII characters (a UUID fits). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{8,255}$/;

/**
 * The message types HighLevel's `POST /conversations/messages` takes (its API docs,
 * Conversations → Send a new message, `SendMessageBodyDto.type`).
 */
export const MESSAGE_TYPES = ['SMS', 'RCS', 'Email', 'WhatsApp', 'IG', 'FB', 'Custom', 'Live_Chat', 'TIKTOK'] as const;
/** One of {@link MESSAGE_TYPES}. */
export type MessageType = (typeof MESSAGE_TYPES)[number];

/**
 * Attachments per message. HighLevel does not document a limit for a message; this is its
 * documented limit for one upload, so that what one upload staged can go in one message.
 */
export const MAX_ATTACHMENTS_PER_MESSAGE = 5;

/** Bytes of JSON a send may carry; past it, 413 `message-too-large`. */
export const MAX_MESSAGE_BODY_BYTES = 64 * 1024;

/** The body of `POST {endpoint}/messages`. */
export interface SendMessageRequestBody {
  conversationId: string;
  /** One of the types the server allows. Default: the conversation's own channel. */
  type?: MessageType;
  /** The text. */
  message?: string;
  /** For `Email`. */
  subject?: string;
  /** For `Email`. */
  html?: string;
  /**
   * The `handle` of each file the upload answered (never a URL: only files this server uploaded
   * for this conversation can be sent). Default: none.
   */
  attachments?: string[];
}

/** The BFF's answer to a sent message. */
export interface SendMessageResponseBody {
  conversationId: string;
  /** HighLevel's id of the message. */
  messageId: string;
  /** For channels where HighLevel answers several ids. */
  messageIds?: string[];
  /** HighLevel's status of the message, when it says one. */
  status?: string;
  /** The type the message went as. */
  type: MessageType;
  /** HighLevel's URLs of the files that went with it, in order. */
  attachments: string[];
}
