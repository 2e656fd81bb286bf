import { createServer, type Server } from 'node:http';
import { type AddressInfo, createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { IDLE_CONNECTION_MS, postStream, UpstreamStallError } from './post-stream.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A server that reads the body and answers after `delayMs`; counts the connections it gets. */
async function upstream(delayMs = 0): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => setTimeout(() => res.end('{"ok":true}'), delayMs));
  });
  // Longer than our idle limit: a connection we kept would still be open on its side.
  server.keepAliveTimeout = 10_000;
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, connections: () => connections };
}

async function* bytes(count: number): AsyncGenerator<Uint8Array> {
  yield new Uint8Array(count).fill(7);
}

const post = (url: string) => postStream(url, {}, bytes(64 * 1024), new AbortController().signal);

describe('postStream connections', () => {
  it('shares a connection within a burst, and gives an idle one up before a server would', async () => {
    const { url, connections } = await upstream();
    expect((await post(url)).status).toBe(200);
    expect((await post(url)).status).toBe(200);
    expect(connections()).toBe(1);
    // Past our idle limit, well before the server's: the next upload gets a fresh connection,
    // never one the server may be closing at that very moment.
    await sleep(IDLE_CONNECTION_MS + 500);
    expect((await post(url)).status).toBe(200);
    expect(connections()).toBe(2);
  });

  it('keeps a reused connection open while HighLevel takes its time to answer', async () => {
    const { url, connections } = await upstream(IDLE_CONNECTION_MS * 2.5);
    expect((await post(url)).status).toBe(200);
    expect((await post(url)).status).toBe(200);
    expect(connections()).toBe(1);
  });
});

/**
 * postStream against upstreams that misbehave: one that stops reading the upload, one that drops
 * the connection mid-upload or mid-answer, one that answers before it has read the body, one that
 * answers far too much. And what it must get right when all goes well: TLS for https, repeated
 * headers kept apart, no listener piling up over a long upload.
 */
describe('postStream against upstreams that misbehave', () => {
  const servers: (Server | NetServer)[] = [];
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    for (const server of servers.splice(0)) {
      if ('closeAllConnections' in server) server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  async function listen<T extends Server | NetServer>(server: T): Promise<{ server: T; port: number }> {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, port: (server.address() as AddressInfo).port };
  }

  /** A body that counts what was pulled from it, and whether it was closed (its resources released). */
  function countingBody(chunks = Number.POSITIVE_INFINITY, size = 64 * 1024) {
    const state = { pulled: 0, closed: false };
    async function* body(): AsyncGenerator<Uint8Array> {
      try {
        for (; state.pulled < chunks; ) {
          state.pulled += 1;
          yield new Uint8Array(size).fill(state.pulled % 251);
        }
      } finally {
        state.closed = true;
      }
    }
    return { state, body: body() };
  }

  const never = () => new AbortController().signal;

  describe('after the connection fails between two chunks', () => {
    it('lets go of the client’s body at its next chunk, not at the stall limit', async () => {
      const { port } = await listen(
        createNetServer((socket) => {
          sockets.push(socket);
          setTimeout(() => socket.destroy(), 150);
        }),
      );
      const state = { closed: false };
      // A client sending small pieces, never enough to fill the socket: the pump waits on it, not on drain.
      async function* body(): AsyncGenerator<Uint8Array> {
        try {
          for (;;) {
            await sleep(30);
            yield new Uint8Array(16);
          }
        } finally {
          state.closed = true;
        }
      }
      const failure = await postStream(`http://127.0.0.1:${port}/upload`, {}, body(), never(), 60_000).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Error);
      for (let i = 0; i < 60 && !state.closed; i += 1) await sleep(50);
      expect(state.closed).toBe(true);
    });
  });

  describe('an upstream that stops reading', () => {
    it('fails the upload with UpstreamStallError once nothing was taken for the stall limit', async () => {
      const { port } = await listen(createNetServer((socket) => (sockets.push(socket), socket.pause())));
      const { state, body } = countingBody();
      const started = Date.now();
      // Aborted after 5 s at the latest: a stall that is never noticed fails here, fast.
      const failure = await postStream(`http://127.0.0.1:${port}/upload`, {}, body, AbortSignal.timeout(5000), 300).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(UpstreamStallError);
      expect((failure as Error).message).toBe('HighLevel stopped reading the upload');
      expect(Date.now() - started).toBeLessThan(10_000);
      // The body is not read on forever into memory: it stops with the socket's buffers full.
      await sleep(50);
      expect(state.closed).toBe(true);
    });

    it('dropping the connection while the upload waits fails it at once, and the body is released', async () => {
      const { port } = await listen(
        createNetServer((socket) => {
          sockets.push(socket);
          socket.pause();
          setTimeout(() => socket.destroy(), 200);
        }),
      );
      const { state, body } = countingBody();
      const started = Date.now();
      // A long stall limit: only the closed connection can end this quickly.
      const failure = await postStream(`http://127.0.0.1:${port}/upload`, {}, body, never(), 60_000).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Error);
      expect(failure).not.toBeInstanceOf(UpstreamStallError);
      for (let i = 0; i < 40 && !state.closed; i += 1) await sleep(50);
      expect(state.closed).toBe(true);
      expect(Date.now() - started).toBeLessThan(5000);
    });
  });

  describe('an upstream that answers early', () => {
    it('resolves with its answer, and stops pulling the body', async () => {
      const { port } = await listen(
        createServer((_req, res) => {
          // Answers at once, as HighLevel does for a refused token, and leaves the body unread.
          res.writeHead(413, { 'Content-Type': 'application/json' }).end('{"status":413}');
        }),
      );
      const { state, body } = countingBody(Number.POSITIVE_INFINITY, 1024);
      async function* slowly(): AsyncGenerator<Uint8Array> {
        for await (const chunk of body) {
          await sleep(5);
          yield chunk;
        }
      }
      const answer = await postStream(`http://127.0.0.1:${port}/upload`, {}, slowly(), never(), 60_000);
      expect(answer.status).toBe(413);
      expect(answer.text).toBe('{"status":413}');
      await sleep(100);
      const after = state.pulled;
      await sleep(200);
      expect(state.pulled - after).toBeLessThanOrEqual(1);
    });
  });

  describe('what the upstream answers', () => {
    async function answering(size: number) {
      const { port } = await listen(
        createServer((req, res) => {
          req.resume();
          req.on('end', () => {
            res.writeHead(200, { 'Content-Type': 'text/plain' });
            const piece = Buffer.alloc(64 * 1024, 'a');
            let left = size;
            const more = () => {
              while (left > 0) {
                const part = piece.subarray(0, Math.min(piece.length, left));
                left -= part.length;
                if (!res.write(part)) return void res.once('drain', more);
              }
              res.end();
            };
            more();
          });
        }),
      );
      return postStream(`http://127.0.0.1:${port}/upload`, {}, countingBody(1, 16).body, never());
    }

    it('keeps an answer of exactly 1 MiB whole', async () => {
      const answer = await answering(1024 * 1024);
      expect(answer.text.length).toBe(1024 * 1024);
    });

    it('keeps no more than 1 MiB of a larger answer (a hostile upstream cannot fill the memory)', async () => {
      const answer = await answering(1024 * 1024 + 300 * 1024);
      expect(answer.status).toBe(200);
      expect(answer.text.length).toBe(1024 * 1024);
    });

    it('an answer cut off mid-body fails the upload instead of hanging or crashing', async () => {
      const { port } = await listen(
        createServer((req, res) => {
          req.resume();
          req.on('end', () => {
            res.writeHead(200, { 'Content-Length': 1000 });
            res.write('{"uploadedFiles":');
            setTimeout(() => res.socket?.destroy(), 50);
          });
        }),
      );
      const failure = await postStream(`http://127.0.0.1:${port}/upload`, {}, countingBody(1, 16).body, never()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Error);
    });

    it('keeps repeated headers apart, and single ones as they are', async () => {
      const { port } = await listen(
        createServer((req, res) => {
          req.resume();
          req.on('end', () => res.writeHead(200, { 'Set-Cookie': ['a=1', 'b=2'], 'Retry-After': ['7', '9'], 'X-RateLimit-Remaining': ['5', '4'] }).end('{}'));
        }),
      );
      const answer = await postStream(`http://127.0.0.1:${port}/upload`, {}, countingBody(1, 16).body, never());
      expect(answer.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
      // A header Node keeps once stays the first value (a wait, not "7, 9"); others are joined.
      expect(answer.headers.get('retry-after')).toBe('7');
      expect(answer.headers.get('x-ratelimit-remaining')).toBe('5, 4');
    });
  });

  describe('a long upload', () => {
    it('waits for the socket many times without piling up listeners', async () => {
      const warnings: Error[] = [];
      const onWarning = (warning: Error) => warnings.push(warning);
      process.on('warning', onWarning);
      try {
        const { port } = await listen(
          createServer((req, res) => {
            let bytes = 0;
            req.on('data', (chunk: Buffer) => (bytes += chunk.length));
            req.on('end', () => res.end(String(bytes)));
          }),
        );
        const { state, body } = countingBody(40);
        const answer = await postStream(`http://127.0.0.1:${port}/upload`, {}, body, never());
        expect(answer.text).toBe(String(40 * 64 * 1024));
        expect(state.closed).toBe(true);
        await sleep(20);
        expect(warnings.filter((warning) => warning.name === 'MaxListenersExceededWarning')).toEqual([]);
      } finally {
        process.off('warning', onWarning);
      }
    });
  });

  describe('https', () => {
    it('speaks TLS to an https: URL (never the upload in clear text)', async () => {
      let first: Buffer | undefined;
      const { port } = await listen(
        createNetServer((socket) => {
          sockets.push(socket);
          socket.once('data', (chunk: Buffer) => {
            first = chunk;
            socket.destroy();
          });
        }),
      );
      const failure = await postStream(`https://127.0.0.1:${port}/upload`, {}, countingBody(1, 16).body, never()).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(Error);
      // A TLS handshake record (0x16), not "POST /upload".
      expect(first?.[0]).toBe(0x16);
    });
  });
});
