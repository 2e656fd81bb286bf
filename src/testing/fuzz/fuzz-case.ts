/** What a generated case is: its bytes, how the client behaves, and what the server owes it. */

/**
 * What the server owes the client once the writes are done: `answer`, an HTTP status line (the
 * head is complete and the client waits: Node's parser, the route or the 408 of the client window
 * answers); `end`, an answer or a closed connection, never a hang; `any`, nothing (the head never
 * ended, or the client left).
 */
export type Expectation = 'answer' | 'end' | 'any';

/** After the writes: wait for the answer, drop the connection, or half-close it (FIN) and listen. */
export type Then = 'wait' | 'destroy' | 'half-close';

export interface ExpectedFile {
  name: string;
  size: number;
}

export interface FuzzCase {
  id: number;
  kind: FuzzKind;
  /** What was done to the request, in words. */
  note: string;
  /** Sent in order; a number pauses that many ms. */
  writes: (Buffer | number)[];
  then: Then;
  expect: Expectation;
  /** For a request that is valid in every way: the status it must get (200). */
  expectStatus?: number;
  /** For a valid upload: the files its 200 must list, in order. */
  expectFiles?: ExpectedFile[];
  /**
   * The client sent a complete upload and left before reading the answer: HighLevel may have
   * stored its file with no answer ever read (the upload had gone through when the client left).
   */
  leavesAfterComplete: boolean;
  /** The conversation id the (unmutated) form carries: `fz-<id>`. */
  conversationId: string;
  /** Likely to hold its socket for a second or more (the client window, pauses). */
  slow: boolean;
}

export type FuzzKind =
  | 'valid'
  | 'method'
  | 'target'
  | 'host'
  | 'header'
  | 'length'
  | 'chunked'
  | 'body'
  | 'slow'
  | 'leave'
  | 'pipeline'
  | 'preview'
  | 'message';

export interface FuzzContext {
  /** `127.0.0.1:PORT`: the BFF's Host. */
  host: string;
  /** A real preview handle (from an earlier good upload), to replay and mutate. */
  previewHandle?: string;
  /** A real file handle, and the conversation it was uploaded for, to send in a message. */
  attachment?: { handle: string; conversationId: string };
}

/** Something the BFF's `Host` (`127.0.0.1:PORT`) goes into, known only when the case is sent. */
export type WithHost<T> = (host: string) => T;
