import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { pipeline } from 'node:stream/promises';
import { uploadError } from '../shared/upload-error.js';

import { attachClientAddress } from './client-address.js';
import { boundUnreadBody, DEFAULT_UNREAD_BODY_BOUND } from './bound-unread-body.js';
import type { FetchHandler } from './create-upload-handler.js';
import { ALLOWED_METHODS, errorResponse } from './error-response.js';
import { MAX_TIMER_MS, wholeNumberOption } from '../shared/check-option.js';
import { attachNodeBody } from './request-body.js';

/** A Node `http` / Express / Connect handler; `next` is accepted and never needed. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

export interface NodeHandlerOptions {
  /**
   * A client answered before its body was all sent (a refusal: 408, 413, 415…) may go on
   * sending while it sends at least `unreadBodyMinBytesPerSecond` over each window of
   * `unreadBodyRateWindowMs`, up to `unreadBodyMaxBytes` in all; at the end of a window that
   * breaks either, its connection is closed (the handler's own rule for a body it reads is
   * `clientRateWindowMs` and `clientMinBytesPerSecond`). Defaults: 5,000 ms, 1,024 bytes a
   * second, 32 MiB.
   */
  unreadBodyRateWindowMs?: number;
  /** @deprecated Since 1.1: `unreadBodyRateWindowMs`. */
  unreadBodyWindowMs?: number;
  unreadBodyMinBytesPerSecond?: number;
  unreadBodyMaxBytes?: number;
  /**
   * Open connections one client address may have carried requests on; a request on one more is
   * answered 429 `rate-limited` and its connection closed. The count is of the socket's address:
   * behind a proxy, whose connections all come from one address, raise it to what the proxy
   * opens, or pass `Infinity`. Default: 1,024.
   */
  maxConnectionsPerAddress?: number;
}


/**
 * Wraps a fetch handler for Node's `http` server, Express or Connect. The request body is handed
 * to the handler as the Node stream it already is, and the client going away aborts the
 * request's signal, which aborts the upstream request.
 *
 * Every request gets an answer and nothing a client sends can throw out of here: a method the
 * route does not serve is answered 405 before a `Request` is built (the `Request` constructor
 * throws on `TRACE`, `CONNECT` and malformed names), a target or `Host` that does not parse
 * 400, and anything else 500 `internal`.
 */
export function toNodeHandler(handler: FetchHandler, options: NodeHandlerOptions = {}): NodeHandler {
  const bound = {
    windowMs: options.unreadBodyRateWindowMs ?? options.unreadBodyWindowMs ?? DEFAULT_UNREAD_BODY_BOUND.windowMs,
    minBytesPerSecond: options.unreadBodyMinBytesPerSecond ?? DEFAULT_UNREAD_BODY_BOUND.minBytesPerSecond,
    maxBytes: options.unreadBodyMaxBytes ?? DEFAULT_UNREAD_BODY_BOUND.maxBytes,
  };
  const windowName = options.unreadBodyRateWindowMs !== undefined || options.unreadBodyWindowMs === undefined ? 'unreadBodyRateWindowMs' : 'unreadBodyWindowMs';
  wholeNumberOption('toNodeHandler', windowName, bound.windowMs, 0, 1, MAX_TIMER_MS);
  for (const [name, value] of [['unreadBodyMinBytesPerSecond', bound.minBytesPerSecond], ['unreadBodyMaxBytes', bound.maxBytes]] as const) {
    if (!(value > 0 && Number.isFinite(value))) throw new TypeError(`toNodeHandler: \`${name}\` must be a number above 0.`);
  }
  const maxConnections = options.maxConnectionsPerAddress ?? 1024;
  if (!(maxConnections === Number.POSITIVE_INFINITY || (Number.isInteger(maxConnections) && maxConnections >= 1))) {
    throw new TypeError('toNodeHandler: `maxConnectionsPerAddress` must be a whole number from 1, or Infinity.');
  }
  const connections = new ConnectionsPerAddress(maxConnections);
  return (req, res) => {
    // A client that resets mid-body makes the request emit 'error'; with no listener at all,
    // Node would throw it out of the server.
    // Stryker disable next-line StringLiteral: the body reader attaches its own 'error' listener before any byte is read
    req.on('error', ignore);
    // Stryker disable next-line StringLiteral: the pipeline attaches its own 'error' listener before any byte is written
    res.on('error', ignore);
    const controller = new AbortController();
    res.once('close', () => {
      // Stryker disable next-line ConditionalExpression: after a whole answer the handler and the upstream request are done
      if (!res.writableFinished) controller.abort();
    });
    res.once('finish', () => boundUnreadBody(req, bound));
    let request: Request;
    try {
      // HTTP/2 multiplexes a session's streams on one connection, which its own limits bound.
      if (req.httpVersionMajor < 2 && !connections.admit(req.socket)) {
        res.shouldKeepAlive = false;
        throw uploadError('rate-limited', { values: { seconds: 1 }, details: { retryAfter: 1 } });
      }
      // Stryker disable next-line StringLiteral: Node always sets method on a server request
      if (!ALLOWED_METHODS.includes(req.method ?? '')) throw uploadError('method-not-allowed');
      request = toRequest(req, controller.signal);
    } catch (error) {
      void send(errorResponse(error, {}), req, res);
      return;
    }
    handler(request)
      .catch((error: unknown) => errorResponse(error, {}))
      .then((response) => send(response, req, res), ignore);
  };
}

function toRequest(req: IncomingMessage, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || name.startsWith(':')) continue;
    try {
      // Stryker disable BlockStatement: Node's parser refuses a header name or value Headers would refuse
      for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
    } catch {
      // Stryker restore BlockStatement
      // Stryker disable next-line StringLiteral: Node's parser refuses what Headers would refuse; never thrown
      throw uploadError('bad-request');
    }
  }
  // Stryker disable next-line LogicalOperator: a plain socket has no encrypted, a TLS one has it true
  const secure = 'encrypted' in req.socket && Boolean(req.socket.encrypted);
  const host = req.headers.host ?? 'localhost';
  // Only a path may follow the host: `Host: a b`, `Host: x/y` or an absolute-form target are not
  // requests for this route, whatever `new URL` would make of them.
  // Express and Connect strip the mount path from `req.url` (`app.use('/api/attachments', …)`);
  // the route's own URL (for its preview links) is the original one.
  // Stryker disable next-line StringLiteral: Node always sets url on a server request
  const target = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
  if (!target.startsWith('/') || !/^[A-Za-z0-9.\-_[\]:]+$/.test(host)) throw uploadError('bad-request');
  let url: URL;
  try {
    url = new URL(target, `${secure ? 'https' : 'http'}://${host}`);
  } catch {
    throw uploadError('bad-request');
  }
  const request = new Request(url, { method: req.method, headers, signal });
  attachNodeBody(request, req);
  attachClientAddress(request, req.socket.remoteAddress);
  return request;
}

async function send(response: Response, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // Stryker disable next-line ConditionalExpression,LogicalOperator,BlockStatement: writing to a destroyed response is a no-op
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = name === 'set-cookie' ? response.headers.getSetCookie() : value;
  });
  res.writeHead(response.status, headers);
  // Stryker disable next-line ConditionalExpression,StringLiteral: HEAD is answered 405 before this
  if (!response.body || req.method === 'HEAD') {
    res.end();
    return;
  }
  try {
    // Stryker disable BlockStatement: pipeline destroys the response itself when the body fails
    await pipeline(Readable.fromWeb(response.body as NodeWebReadableStream<Uint8Array>), res);
  } catch {
    // Stryker restore BlockStatement
    res.destroy();
  }
}

/**
 * The connections each address has carried requests on, counted from a connection's first
 * request to its close. A connection over the limit is refused for good (it is never counted, so
 * its close gives nothing back). An address whose last connection closed is forgotten: strangers
 * with many addresses (an IPv6 block) would otherwise grow the map for as long as the process runs.
 * Exported for its tests only; the package's entry points do not name it.
 */
export class ConnectionsPerAddress {
  private readonly counted = new WeakSet<Socket>();
  private readonly refused = new WeakSet<Socket>();
  private readonly counts = new Map<string, number>();

  constructor(private readonly limit: number) {}

  admit(socket: Socket): boolean {
    if (this.counted.has(socket) || this.limit === Number.POSITIVE_INFINITY) return true;
    if (this.refused.has(socket)) return false;
    const address = socket.remoteAddress ?? '';
    const count = this.counts.get(address) ?? 0;
    if (count >= this.limit) {
      this.refused.add(socket);
      return false;
    }
    this.counts.set(address, count + 1);
    this.counted.add(socket);
    socket.once('close', () => {
      const left = (this.counts.get(address) ?? 1) - 1;
      if (left <= 0) this.counts.delete(address);
      else this.counts.set(address, left);
    });
    return true;
  }

  /** How many addresses have a connection counted now. */
  get addresses(): number {
    return this.counts.size;
  }
}

function ignore(): void {}
