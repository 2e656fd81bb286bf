/**
 * A client answered before it finished sending (a refusal: 408, 413…) may finish its body, at
 * the pace of a slow uplink, and keep its connection; one that ignores the answer and drips is
 * disconnected at the end of the Node adapter's first slow window, not held for the server's
 * request timeout. Raw sockets on loopback, against the real BFF and mock.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pngOfSize } from '../testing/fixtures.js';
import { multipartBody } from '../testing/raw-request.js';
import { startStack, type Stack } from '../testing/start-stack.js';
import { createUploadHandler, staticToken, toNodeHandler, type NodeHandlerOptions } from './index.js';

const BOUNDARY = 'grace-boundary';

/** A connection written by hand: what it received, and when the server answered and closed it. */
function rawConnection(origin: string) {
  const { port } = new URL(origin);
  const socket: Socket = connect(Number(port), '127.0.0.1');
  const seen = { text: '', answeredAt: 0, closedAt: 0 };
  socket.on('data', (chunk: Buffer) => {
    seen.text += chunk.toString('latin1');
    seen.answeredAt ||= Date.now();
  });
  socket.on('error', () => undefined);
  socket.on('close', () => (seen.closedAt = Date.now()));
  /** Writes while the connection lasts; false once the server has closed it. */
  const write = (bytes: Buffer | string) => !socket.destroyed && socket.write(bytes) !== undefined;
  const statuses = () => [...seen.text.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((match) => Number(match[1]));
  return { socket, seen, write, statuses };
}

const until = async (check: () => boolean, ms: number) => {
  for (const end = Date.now() + ms; !check() && Date.now() < end; ) await new Promise((wait) => setTimeout(wait, 20));
};

const head = (stack: Stack, length: number) =>
  `POST /api/attachments HTTP/1.1\r\nHost: ${new URL(stack.origin).host}\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\n` +
  `X-Requested-With: ghl-attachments\r\nContent-Length: ${length}\r\n\r\n`;

let stack: Stack | undefined;
let open: Socket | undefined;
afterEach(async () => {
  open?.destroy();
  await stack?.close();
});

describe('after an early answer, the rest of the body', () => {
  /** Sends a 408-bound drip and gives how long the connection lasted after the answer. */
  async function heldAfter408(node: NodeHandlerOptions): Promise<number> {
    stack = await startStack({ bff: { clientIdleTimeoutMs: 500, minClientBytesPerSecond: 1024 }, node });
    const body = multipartBody(BOUNDARY, [
      { headers: 'Content-Disposition: form-data; name="conversationId"', body: 'conv1' },
      { headers: 'Content-Disposition: form-data; name="file"; filename="drip.png"\r\nContent-Type: image/png', body: Buffer.from(pngOfSize(100_000)) },
    ]);
    const client = rawConnection(stack.origin);
    open = client.socket;
    client.write(Buffer.concat([Buffer.from(head(stack, body.length)), body.subarray(0, 3000)]));
    // A byte every 100 ms, for up to 20 s: under the minimum rate, and never silent.
    for (let i = 0; i < 200 && client.write(body.subarray(3000 + i, 3001 + i)); i += 1) await new Promise((wait) => setTimeout(wait, 100));
    expect(client.statuses()).toEqual([408]);
    expect(client.seen.closedAt, 'the server closed the connection while the client was still sending').toBeGreaterThan(0);
    return client.seen.closedAt - client.seen.answeredAt;
  }

  it('a client that goes on dripping after its 408 is disconnected at the end of the first window, not held until it stops', async () => {
    const held = await heldAfter408({ unreadBodyWindowMs: 1000 });
    expect(held).toBeGreaterThanOrEqual(900);
    expect(held).toBeLessThan(4000);
  }, 30_000);

  it('by default the window is 5 s', async () => {
    const held = await heldAfter408({});
    expect(held).toBeGreaterThanOrEqual(4900);
    expect(held).toBeLessThan(8000);
  }, 30_000);

  /** A request refused by its Content-Length (413), then `chunks` of 2 KB of it sent. */
  async function refusedThenSent(node: NodeHandlerOptions, length: number, chunks: number, everyMs: number) {
    stack = await startStack({ bff: { maxFileSize: 1000, maxFilesPerRequest: 1 }, node });
    const client = rawConnection(stack.origin);
    open = client.socket;
    client.write(head(stack, length));
    await until(() => client.statuses().length > 0, 5000);
    expect(client.statuses()).toEqual([413]);
    for (let sent = 0; sent < chunks && client.write(Buffer.alloc(2000, 0x61)); sent += 1) {
      await new Promise((wait) => setTimeout(wait, everyMs));
    }
    return client;
  }

  it('with the defaults, a browser sending 2 KB/s goes on past the first window', async () => {
    // 2 KB a second for 7 s: over the 5 s window's 1,024 bytes a second.
    const client = await refusedThenSent({}, 60_000, 7, 1000);
    expect(client.seen.closedAt).toBe(0);
  }, 30_000);

  it('a client past the total is closed at the end of the window, however fast it sends', async () => {
    const client = await refusedThenSent({ unreadBodyWindowMs: 1000, unreadBodyMaxBytes: 10_000 }, 60_000, 30, 100);
    expect(client.seen.closedAt, 'the server closed the connection while the client was still sending').toBeGreaterThan(0);
    const held = client.seen.closedAt - client.seen.answeredAt;
    expect(held).toBeGreaterThanOrEqual(900);
    expect(held).toBeLessThan(2900);
  }, 30_000);

  it('a slow browser that finishes its refused body at a steady pace keeps its connection: its next request on it is answered', async () => {
    stack = await startStack({ bff: { maxFileSize: 1000, maxFilesPerRequest: 1 }, node: { unreadBodyWindowMs: 1000, unreadBodyMinBytesPerSecond: 4096 } });
    // Past the size a request may have by its Content-Length: refused before a byte is read.
    const length = 60_000;
    const client = rawConnection(stack.origin);
    open = client.socket;
    client.write(head(stack, length));
    await until(() => client.statuses().length > 0, 5000);
    expect(client.statuses()).toEqual([413]);
    // The browser goes on sending what it had started, 2 KB every 100 ms (20 KB/s) for 3 s:
    // three windows, each well above the rate.
    for (let sent = 0; sent < length; sent += 2000) {
      client.write(Buffer.alloc(2000, 0x61));
      await new Promise((wait) => setTimeout(wait, 100));
    }
    // Well past the last window, the connection is still there, and serves the next request.
    await new Promise((wait) => setTimeout(wait, 1500));
    expect(client.seen.closedAt).toBe(0);
    client.write(`OPTIONS /api/attachments HTTP/1.1\r\nHost: ${new URL(stack.origin).host}\r\n\r\n`);
    await until(() => client.statuses().length > 1, 5000);
    expect(client.statuses()).toHaveLength(2);
    expect(client.seen.closedAt).toBe(0);
  }, 30_000);

  it('a client that sends a burst after its refusal and then drips is closed at the end of its first slow window', async () => {
    stack = await startStack({ bff: { maxFileSize: 1000, maxFilesPerRequest: 1 }, node: { unreadBodyWindowMs: 1000, unreadBodyMinBytesPerSecond: 4096 } });
    const client = rawConnection(stack.origin);
    open = client.socket;
    client.write(head(stack, 60_000));
    await until(() => client.statuses().length > 0, 5000);
    expect(client.statuses()).toEqual([413]);
    // Enough for the first window at once, then a byte every 100 ms for up to 10 s.
    client.write(Buffer.alloc(20_000, 0x61));
    for (let i = 0; i < 100 && client.write('a'); i += 1) await new Promise((wait) => setTimeout(wait, 100));
    expect(client.seen.closedAt, 'the server closed the connection while the client was still sending').toBeGreaterThan(0);
    const held = client.seen.closedAt - client.seen.answeredAt;
    // Not in the first window, which the burst paid for; in the second, the first slow one.
    expect(held).toBeGreaterThanOrEqual(1900);
    expect(held).toBeLessThan(5000);
  }, 30_000);

  it('the total counts this request only: a connection that carried a long body before is not charged for it', async () => {
    stack = await startStack({ bff: { maxFileSize: 1000, maxFilesPerRequest: 1 }, node: { unreadBodyWindowMs: 1000, unreadBodyMaxBytes: 30_000 } });
    const client = rawConnection(stack.origin);
    open = client.socket;
    // A first refused request on the connection, its 20 KB sent at once: it completes.
    client.write(head(stack, 20_000));
    await until(() => client.statuses().length > 0, 5000);
    client.write(Buffer.alloc(20_000, 0x61));
    await new Promise((wait) => setTimeout(wait, 1200));
    // A second one, 20 KB sent steadily: under the total on its own, over it with the first's.
    client.write(head(stack, 20_000));
    await until(() => client.statuses().length > 1, 5000);
    for (let sent = 0; sent < 10 && client.write(Buffer.alloc(2000, 0x61)); sent += 1) await new Promise((wait) => setTimeout(wait, 200));
    await new Promise((wait) => setTimeout(wait, 500));
    expect(client.seen.closedAt).toBe(0);
    client.write(`OPTIONS /api/attachments HTTP/1.1\r\nHost: ${new URL(stack.origin).host}\r\n\r\n`);
    await until(() => client.statuses().length > 2, 5000);
    expect(client.statuses()).toEqual([413, 413, expect.any(Number)]);
  }, 30_000);

  it("the window is a timer's span, the rate and the total numbers above 0", () => {
    const handler = createUploadHandler({ getToken: staticToken('t'), locationId: 'loc', authorize: 'anyone' });
    const refused: [keyof NodeHandlerOptions, number[]][] = [
      // Past 2^31 - 1 ms, Node fires a timer after 1 ms instead.
      ['unreadBodyWindowMs', [0, 0.5, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]],
      ['unreadBodyMinBytesPerSecond', [0, -1, Number.NaN, Number.POSITIVE_INFINITY]],
      ['unreadBodyMaxBytes', [0, -1, Number.NaN, Number.POSITIVE_INFINITY]],
    ];
    for (const [name, values] of refused) {
      for (const value of values) expect(() => toNodeHandler(handler, { [name]: value }), `${name}: ${value}`).toThrow(name);
      expect(() => toNodeHandler(handler, { [name]: 1 })).not.toThrow();
    }
    expect(() => toNodeHandler(handler, { unreadBodyWindowMs: 2 ** 31 - 1 })).not.toThrow();
  });
});
