import type { IncomingMessage } from 'node:http';

/**
 * How long a client answered before it finished sending may go on sending. The rest of its body
 * is read and dropped meanwhile, not cut off: closing a connection the client is still writing
 * to resets it, and a reset can lose the answer before the browser reads it. Long enough for a
 * browser to finish a body in flight; short enough that a client that ignores the answer (a drip
 * after its 408) cannot hold the connection for the server's whole request timeout (300 s in
 * Node, or none where a server turns it off for long uploads).
 */
export const DEFAULT_UNREAD_BODY_GRACE_MS = 5_000;

/**
 * Once an answer has gone out before the whole request body came in, gives the rest `graceMs`
 * to arrive, then closes the connection. A client that finishes in time keeps its connection.
 */
export function boundUnreadBody(req: IncomingMessage, graceMs: number): void {
  // Most requests were read to the end before their answer: nothing to wait for.
  if (req.complete) return;
  const timer = setTimeout(() => {
    if (!req.complete) req.destroy();
  }, graceMs);
  // Not a reason for the process to stay up.
  timer.unref();
}
