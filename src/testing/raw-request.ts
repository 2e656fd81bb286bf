import { request } from 'node:http';
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string | number>;
  /** Sent in order; a number waits that many ms. */
  body?: (Buffer | string | number)[];
  /** Ends the request after the body (default), or drops the connection instead. */
  end?: 'end' | 'drop' | 'stall';
  /** The loopback address to connect from (`127.0.0.2`), for bounds per client address. Default: the system's choice. */
  localAddress?: string;
}

/**
 * An HTTP request written by hand: any headers, any bytes, pauses, a dropped connection, as a
 * hostile or broken client would send. Resolves with the answer, or `undefined` when none came.
 */
export function rawRequest(url: string, spec: RawRequest): Promise<RawAnswer | undefined> {
  return new Promise((resolve) => {
    const req = request(url, { method: spec.method ?? 'POST', headers: spec.headers, ...(spec.localAddress ? { localAddress: spec.localAddress } : {}) });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
      res.on('error', () => resolve(undefined));
    });
    req.on('error', () => resolve(undefined));
    void (async () => {
      for (const piece of spec.body ?? []) {
        if (typeof piece === 'number') await new Promise((wait) => setTimeout(wait, piece));
        else if (!req.destroyed) req.write(piece);
      }
      if (spec.end === 'drop') {
        req.destroy();
        resolve(undefined);
      } else if (spec.end !== 'stall') req.end();
    })();
  });
}

/** An answer read off a raw connection: the status line's code, the head's lines, the rest. */
export interface RawHttpAnswer {
  status: number;
  head: string;
  body: string;
}

/**
 * Writes `text` as it is on a TCP connection to `port` on loopback (a request target or `Host`
 * no HTTP client would send) and resolves with the first answer, once the server closes or
 * `waitMs` passes. Default: 5,000 ms.
 */
export function rawHttp(port: number, text: string, waitMs = 5000): Promise<RawHttpAnswer> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let answer = '';
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      const [head = '', ...rest] = answer.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0), head, body: rest.join('\r\n\r\n') });
    };
    const timer = setTimeout(done, waitMs);
    socket.on('data', (chunk) => (answer += String(chunk)));
    socket.on('close', done);
    socket.on('error', done);
  });
}
