import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { IDLE_CONNECTION_MS, postStream } from './post-stream.js';

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
