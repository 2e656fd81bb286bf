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
 * them, and an upload after a pause opens a fresh one. (CI once hit that race.)
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
        for (const [name, value] of Object.entries(res.headers)) {
          if (typeof value === 'string') answerHeaders.set(name, value);
          else if (Array.isArray(value)) for (const item of value) answerHeaders.append(name, item);
        }
        resolve({ status: res.statusCode ?? 0, headers: answerHeaders, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    void (async () => {
      try {
        for await (const chunk of body) {
          if (settled) return;
          if (!req.write(chunk)) await drained(req, stallMs);
        }
        req.end();
      } catch (error) {
        fail(error);
      }
    })();
  });
}

/**
 * Waits until `req` takes more data; fails if it closes first, or if HighLevel takes nothing for
 * `stallMs` (a peer that stops reading must not hold the upload, and its bytes, forever).
 * Leaves no listener or timer behind.
 */
function drained(req: ClientRequest, stallMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      req.off('drain', onDrain);
      req.off('close', onClose);
    };
    const onDrain = () => {
      done();
      resolve();
    };
    const onClose = () => {
      done();
      reject(new Error('upstream connection closed'));
    };
    const timer = setTimeout(() => {
      done();
      reject(new UpstreamStallError());
    }, stallMs);
    req.once('drain', onDrain);
    req.once('close', onClose);
  });
}
