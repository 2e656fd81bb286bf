import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import type { FetchHandler } from './create-upload-handler.js';
import { attachNodeBody } from './request-body.js';

/** A Node `http` / Express / Connect handler; `next` is accepted and never needed. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

/**
 * Wraps a fetch handler for Node's `http` server, Express or Connect. The request body is handed
 * to the handler as the Node stream it already is, and the client going away aborts the
 * request's signal, which aborts the upstream request.
 */
export function toNodeHandler(handler: FetchHandler): NodeHandler {
  return (req, res, next) => {
    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const request = toRequest(req, controller.signal);
    handler(request)
      .then((response) => sendResponse(response, res))
      .catch((error: unknown) => {
        if (next) next(error);
        else res.destroy(error as Error);
      });
  };
}

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const secure = 'encrypted' in req.socket && Boolean(req.socket.encrypted);
  const url = new URL(req.url ?? '/', `${secure ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`);
  const request = new Request(url, { method: req.method, headers, signal });
  attachNodeBody(request, req);
  return request;
}

async function sendResponse(response: Response, res: ServerResponse): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = name === 'set-cookie' ? response.headers.getSetCookie() : value;
  });
  res.writeHead(response.status, headers);
  if (!response.body) {
    res.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as NodeWebReadableStream<Uint8Array>), res);
}
