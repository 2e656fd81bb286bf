import type { IncomingMessage } from 'node:http';

/**
 * What a client answered before it finished sending (a refusal: 408, 413, 415…) must keep up to
 * go on sending. The rest of its body is read and dropped meanwhile, not cut off: closing a
 * connection a browser is still writing to resets it, and a reset can lose the answer before
 * the browser reads it. So a browser on a slow uplink finishes and reads its answer, while a
 * client that ignores it (a drip after its 408) is closed after one window, instead of holding
 * the connection for the server's whole request timeout (300 s in Node, or none where a server
 * turns it off for long uploads). The same rule as while the body is read: a rate, not an idle
 * timer that a byte now and then resets; and a total, for a body that would never end.
 */
export interface UnreadBodyBound {
  windowMs: number;
  minBytesPerSecond: number;
  maxBytes: number;
}

export const DEFAULT_UNREAD_BODY_BOUND: UnreadBodyBound = {
  windowMs: 5_000,
  minBytesPerSecond: 1_024,
  // More than the largest body the route takes by default (5 files of 5 MB and their envelopes).
  maxBytes: 32 * 1024 * 1024,
};

/**
 * Once an answer has gone out before the whole request body came in, closes the connection at
 * the end of the first window in which the client sent less than the bound's rate, or by which
 * it had sent more than its total. A client that finishes sending keeps its connection.
 */
export function boundUnreadBody(req: IncomingMessage, { windowMs, minBytesPerSecond, maxBytes }: UnreadBodyBound): void {
  // Most requests were read to the end before their answer: nothing to watch.
  // Stryker disable next-line ConditionalExpression: a body read to the end gets a watch that stops at its first check
  if (req.complete) return;
  const socket = req.socket;
  const start = socket.bytesRead;
  let counted = start;
  const check = () => {
    // Stryker disable next-line ConditionalExpression,LogicalOperator,BlockStatement: destroying a closed one is a no-op
    if (req.complete || socket.destroyed) {
      clearInterval(timer);
      return;
    }
    const sent = socket.bytesRead - counted;
    counted += sent;
    // Stryker disable next-line EqualityOperator: exactly the rate or the total, to the byte, cannot be arranged on a socket
    if (sent < (minBytesPerSecond * windowMs) / 1000 || counted - start > maxBytes) {
      clearInterval(timer);
      req.destroy();
    }
  };
  // Judged once the loop has read what the sockets hold: after a stall of the server's own, the
  // bytes the client sent meanwhile are in the kernel, not yet counted.
  const timer = setInterval(() => setImmediate(check), windowMs);
  // Not a reason for the process to stay up.
  timer.unref();
}
