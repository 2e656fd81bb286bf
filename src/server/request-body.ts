import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';

/**
 * Bodies handed over by the Node adapter. A Node request becomes a Web `Request` without a body
 * of its own, and the core reads the original stream: converting Node → Web → Node again would
 * cost two extra copies of every chunk for nothing.
 */
const nodeBodies = new WeakMap<Request, Readable>();

/** Lets `request`'s body be read from `stream` (used by the Node adapter). */
export function attachNodeBody(request: Request, stream: Readable): void {
  nodeBodies.set(request, stream);
}

/** The request body as a Node stream. */
export function requestBodyStream(request: Request): Readable {
  const attached = nodeBodies.get(request);
  if (attached) return attached;
  // Stryker disable next-line ArrayDeclaration: no bytes or a few without the boundary: the same malformed form, 400
  if (!request.body) return Readable.from([]);
  return Readable.fromWeb(request.body as NodeWebReadableStream<Uint8Array>);
}
