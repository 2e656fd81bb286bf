import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';

/** HighLevel's answer, read whole (answers are small JSON). */
export interface UpstreamAnswer {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * How long a connection to HighLevel is kept idle for the next upload, in ms. A server closes
 * idle connections after its own timeout (Node's default is 5 s), and one it closes just as we
 * reuse it fails the write (EPIPE, ECONNRESET); a streamed body cannot be sent again. So idle
 * connections are given up well before any usual server timeout: bursts of uploads still share
 * them, and an upload after a pause opens a fresh one.
 */
export const IDLE_CONNECTION_MS = 1000;

function keepIdleBriefly<T extends HttpAgent>(agent: T): T {
  const keepSocketAlive = agent.keepSocketAlive.bind(agent);
  agent.keepSocketAlive = (socket: Socket) => {
    const kept = keepSocketAlive(socket);
    // The agent destroys a free socket when it times out; after reuse the timeout only fires an
    // event, which nothing listens to.
    socket.setTimeout(IDLE_CONNECTION_MS);
    return kept;
  };
  return agent;
}

const agents = {
  http: keepIdleBriefly(new HttpAgent({ keepAlive: true })),
  https: keepIdleBriefly(new HttpsAgent({ keepAlive: true })),
};
const MAX_ANSWER_BYTES = 1024 * 1024;

/** HighLevel took no byte of the upload for longer than the stall limit. */
export class UpstreamStallError extends Error {
  constructor() {
    super('HighLevel stopped reading the upload');
  }
}

/**
 * POSTs a streamed body with Node's own HTTP client: each chunk is written as it comes, the next
 * one pulled only when the socket has taken the last (backpressure), and no redirect is followed.
 * On Node this moves bytes with less copying and garbage than `fetch` with a stream body.
 * Rejects with the body's own error when the body fails, so the caller can tell its refusals
 * from network faults.
 */
export function postStream(
  url: string,
  headers: Record<string, string>,
  body: AsyncIterable<Uint8Array>,
  signal: AbortSignal,
  stallMs = 60_000,
): Promise<UpstreamAnswer> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    const req = (secure ? httpsRequest : httpRequest)(target, {
      method: 'POST',
      headers: { ...headers, 'Transfer-Encoding': 'chunked' },
      agent: secure ? agents.https : agents.http,
      signal,
    });
    let settled = false;
    const fail = (error: unknown) => {
      // Stryker disable next-line ConditionalExpression: a second fail() destroys a destroyed request and rejects a settled promise
      if (settled) return;
      settled = true;
      req.destroy();
      reject(error);
    };
    req.on('error', fail);
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let length = 0;
      res.on('data', (chunk: Buffer) => {
        length += chunk.length;
        if (length <= MAX_ANSWER_BYTES) chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', () => {
        if (settled) return;
        settled = true;
        const answerHeaders = new Headers();
        // Node's own view: a header it keeps once (Retry-After) stays one value; Set-Cookie, several.
        for (const [name, value] of Object.entries(res.headers)) for (const item of [value ?? []].flat()) answerHeaders.append(name, item);
        resolve({ status: res.statusCode ?? 0, headers: answerHeaders, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    void (async () => {
      const drain = new DrainWaiter(req, stallMs);
      try {
        for await (const chunk of body) {
          if (settled) return;
          if (!req.write(chunk)) await drain.wait();
        }
        req.end();
      } catch (error) {
        fail(error);
      } finally {
        drain.dispose();
      }
    })();
  });
}

/**
 * Waits, as often as asked, until `req` takes more data; fails if it closes first, or if HighLevel
 * takes nothing for `stallMs`. Its listeners and its one timer are set up once per upload rather
 * than once per chunk: a chunk that waits costs a promise, nothing more. `dispose` leaves no
 * listener or timer behind.
 */
class DrainWaiter {
  private pending: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly req: ClientRequest,
    private readonly stallMs: number,
  ) {
    req.on('drain', this.onDrain);
    req.on('close', this.onClose);
  }

  wait(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('upstream connection closed'));
    if (this.timer) this.timer.refresh();
    else this.timer = setTimeout(this.onStall, this.stallMs);
    return new Promise((resolve, reject) => (this.pending = { resolve, reject }));
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.req.off('drain', this.onDrain);
    this.req.off('close', this.onClose);
  }

  private settle(error?: Error): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    if (error) pending.reject(error);
    else pending.resolve();
  }

  private readonly onDrain = () => this.settle();

  private readonly onClose = () => {
    this.closed = true;
    this.settle(new Error('upstream connection closed'));
  };

  // The one timer is refreshed at each wait and may fire between waits: only a wait hears it.
  private readonly onStall = () => this.settle(new UpstreamStallError());
}
