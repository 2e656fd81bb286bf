import { randomUUID } from 'node:crypto';
import type { MessageType } from '../shared/message-wire.js';

/**
 * A conversation's channel, as HighLevel numbers it in `GET /conversations/{id}` (its API docs,
 * Conversations → Get Conversation): 1 phone, 2 email, 3 Facebook Messenger, 4 review, 5 group SMS.
 */
export type MockConversationType = 1 | 2 | 3 | 4 | 5;

/** A conversation the mock knows: a bare id is a phone conversation of the first token's location. */
export interface MockConversation {
  id: string;
  /** Default: the first token's location. */
  locationId?: string;
  /** The contact the conversation is with. Default: `contact-{id}`. */
  contactId?: string;
  /** Default: 1 (phone). */
  type?: MockConversationType;
}

/** The message types `POST /conversations/messages` takes (`SendMessageBodyDto.type`). */
export type MockMessageType = MessageType;

/** One message of a thread, in the fields of HighLevel's `GetMessageResponseDto`. */
export interface MockMessage {
  id: string;
  type: number;
  messageType: string;
  locationId: string;
  contactId: string;
  conversationId: string;
  dateAdded: string;
  body: string;
  direction: 'outbound';
  status: 'delivered';
  contentType: string;
  attachments: string[];
  source: 'api';
  meta?: { email: { subject?: string } };
}

// The thread's numbers and names per message type. HighLevel documents the names (the
// `messageType` enum); the numbers are the mock's own, stable within it.
const THREAD_TYPES: Record<MockMessageType, [number, string]> = {
  SMS: [2, 'TYPE_SMS'],
  RCS: [40, 'TYPE_RCS'],
  Email: [3, 'TYPE_EMAIL'],
  WhatsApp: [19, 'TYPE_WHATSAPP'],
  IG: [18, 'TYPE_INSTAGRAM'],
  FB: [11, 'TYPE_FACEBOOK'],
  Custom: [20, 'TYPE_CUSTOM_SMS'],
  Live_Chat: [29, 'TYPE_LIVE_CHAT'],
  TIKTOK: [41, 'TYPE_TIKTOK'],
};

type Known = Required<MockConversation>;

/**
 * The conversations of every location and their threads. Given no list, every id exists, in the
 * location of whoever asks first (the mock's default, so that any id works in a demo); given a
 * list, only those exist, each in its own location.
 */
export class MockConversations {
  private readonly known = new Map<string, Known>();
  private readonly threads = new Map<string, MockMessage[]>();
  private readonly open: boolean;

  constructor(list: readonly (string | MockConversation)[] | undefined, defaultLocationId: string) {
    this.open = list === undefined;
    for (const entry of list ?? []) {
      const conversation = typeof entry === 'string' ? { id: entry } : entry;
      this.known.set(conversation.id, {
        id: conversation.id,
        locationId: conversation.locationId ?? defaultLocationId,
        contactId: conversation.contactId ?? `contact-${conversation.id}`,
        type: conversation.type ?? 1,
      });
    }
  }

  /** Whether an upload to `id` for `locationId` finds its conversation. */
  exists(id: string, locationId: string): boolean {
    return this.open || this.known.get(id)?.locationId === locationId;
  }

  /** The conversation, `undefined` when there is none, `'other-location'` when it is another location's. */
  get(id: string, locationId: string): Known | 'other-location' | undefined {
    let conversation = this.known.get(id);
    if (!conversation && this.open) {
      conversation = { id, locationId, contactId: `contact-${id}`, type: 1 };
      this.known.set(id, conversation);
    }
    if (!conversation) return undefined;
    return conversation.locationId === locationId ? conversation : 'other-location';
  }

  /** The location's conversation with `contactId` (HighLevel sends by contact, not by conversation). */
  byContact(contactId: string, locationId: string): Known | undefined {
    for (const conversation of this.known.values()) {
      if (conversation.contactId === contactId && conversation.locationId === locationId) return conversation;
    }
    return undefined;
  }

  /** Appends a sent message to its conversation's thread. */
  add(conversation: Known, type: MockMessageType, fields: { message?: string; html?: string; subject?: string; attachments: string[] }): MockMessage {
    const [number, name] = THREAD_TYPES[type];
    const message: MockMessage = {
      id: randomUUID().replaceAll('-', '').slice(0, 20),
      type: number,
      messageType: name,
      locationId: conversation.locationId,
      contactId: conversation.contactId,
      conversationId: conversation.id,
      dateAdded: new Date().toISOString(),
      body: fields.message ?? fields.html ?? '',
      direction: 'outbound',
      status: 'delivered',
      contentType: fields.html === undefined ? 'text/plain' : 'text/html',
      attachments: fields.attachments,
      source: 'api',
      ...(type === 'Email' ? { meta: { email: { subject: fields.subject } } } : {}),
    };
    const thread = this.threads.get(conversation.id) ?? [];
    thread.push(message);
    this.threads.set(conversation.id, thread);
    return message;
  }

  /** The thread, oldest first. */
  thread(id: string): readonly MockMessage[] {
    return this.threads.get(id) ?? [];
  }

  /** The location's conversations, for the stand-in page. */
  ofLocation(locationId: string): Known[] {
    return [...this.known.values()].filter((conversation) => conversation.locationId === locationId);
  }
}
