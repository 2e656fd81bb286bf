/**
 * A client answered before it finished sending (a refusal: 408, 413…) may finish its body, at
 * the pace of a slow uplink, and keep its connection; one that ignores the answer and drips is
 * disconnected at the end of the Node adapter's first slow window, not held for the server's
 * request timeout. Raw sockets on loopback, against the real BFF and mock.
 */
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { pngOfSize } from '../testing/fixtures.js';
import { multipartBody } from '../testing/multipart.js';
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

const sleep = (ms: number) => new Promise((wait) => setTimeout(wait, ms));

const until = async (check: () => boolean, ms: number) => {
  for (const end = Date.now() + ms; !check() && Date.now() < end; ) await sleep(20);
};

const head = (stack: Stack, length: number) =>
  `POST /api/attachments HTTP/1.1\r\nHost: ${new URL(stack.origin).host}\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\n` +
  `X-Requested-With: ghl-attachments\r\nContent-Length: ${length}\r\n\r\n`;

type Client = ReturnType<typeof rawConnection>;

/** Sends `chunks` of 2 KB, one every `everyMs`, while the connection lasts. */
async function sendChunks(client: Client, chunks: number, everyMs: number): Promise<void> {
  for (let sent = 0; sent < chunks && client.write(Buffer.alloc(2000, 0x61)); sent += 1) await sleep(everyMs);
}

/** How long the connection lasted after the answer; the server must have closed it. */
function heldAfterAnswer(client: Client): number {
  expect(client.seen.closedAt, 'the server closed the connection while the client was still sending').toBeGreaterThan(0);
  return client.seen.closedAt - client.seen.answeredAt;
}

/** Sends a request on the same connection and gives every status it has had once it is answered. */
async function nextRequestAnswered(client: Client): Promise<number[]> {
  const before = client.statuses().length;
  client.write(`OPTIONS /api/attachments HTTP/1.1\r\nHost: ${new URL(stack!.origin).host}\r\n\r\n`);
  await until(() => client.statuses().length > before, 5000);
  return client.statuses();
}

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
    for (let i = 0; i < 200 && client.write(body.subarray(3000 + i, 3001 + i)); i += 1) await sleep(100);
    expect(client.statuses()).toEqual([408]);
    return heldAfterAnswer(client);
  }

  it('a client that goes on dripping after its 408 is disconnected at the end of the first window, not held until it stops', async () => {
    const held = await heldAfter408({ unreadBodyRateWindowMs: 1000 });
    expect(held).toBeGreaterThanOrEqual(900);
    expect(held).toBeLessThan(4000);
  }, 30_000);

  it('by default the window is 5 s', async () => {
    const held = await heldAfter408({});
    expect(held).toBeGreaterThanOrEqual(4900);
    expect(held).toBeLessThan(8000);
  }, 30_000);

  /**
   * A connection whose request was refused by its Content-Length (413: past the size a request
   * may have, before a byte of the body is read), the body not sent yet.
   */
  async function refused(node: NodeHandlerOptions, length: number): Promise<Client> {
    stack = await startStack({ bff: { maxFileSize: 1000, maxFilesPerRequest: 1 }, node });
    const client = rawConnection(stack.origin);
    open = client.socket;
    client.write(head(stack, length));
    await until(() => client.statuses().length > 0, 5000);
    expect(client.statuses()).toEqual([413]);
    return client;
  }

  it('with the defaults, a browser sending 2 KB/s goes on past the first window', async () => {
    const client = await refused({}, 60_000);
    // 2 KB a second for 7 s: over the 5 s window's 1,024 bytes a second.
    await sendChunks(client, 7, 1000);
    expect(client.seen.closedAt).toBe(0);
  }, 30_000);

  it('a client past the total is closed at the end of the window, however fast it sends', async () => {
    const client = await refused({ unreadBodyWindowMs: 1000, unreadBodyMaxBytes: 10_000 }, 60_000);
    await sendChunks(client, 30, 100);
    const held = heldAfterAnswer(client);
    expect(held).toBeGreaterThanOrEqual(900);
    expect(held).toBeLessThan(2900);
  }, 30_000);

  it('a slow browser that finishes its refused body at a steady pace keeps its connection: its next request on it is answered', async () => {
    const client = await refused({ unreadBodyWindowMs: 1000, unreadBodyMinBytesPerSecond: 4096 }, 60_000);
    // The browser goes on sending what it had started, 2 KB every 100 ms (20 KB/s) for 3 s:
    // three windows, each well above the rate.
    await sendChunks(client, 30, 100);
    // Well past the last window, the connection is still there, and serves the next request.
    await sleep(1500);
    expect(client.seen.closedAt).toBe(0);
    expect(await nextRequestAnswered(client)).toHaveLength(2);
    expect(client.seen.closedAt).toBe(0);
  }, 30_000);

  it('a client that sends a burst after its refusal and then drips is closed at the end of its first slow window', async () => {
    const client = await refused({ unreadBodyWindowMs: 1000, unreadBodyMinBytesPerSecond: 4096 }, 60_000);
    // Enough for the first window at once, then a byte every 100 ms for up to 10 s.
    client.write(Buffer.alloc(20_000, 0x61));
    for (let i = 0; i < 100 && client.write('a'); i += 1) await sleep(100);
    const held = heldAfterAnswer(client);
    // Not in the first window, which the burst paid for; in the second, the first slow one.
    expect(held).toBeGreaterThanOrEqual(1900);
    expect(held).toBeLessThan(5000);
  }, 30_000);

  it('the total counts this request only: a connection that carried a long body before is not charged for it', async () => {
    // A first refused request on the connection, its 20 KB sent at once: it completes.
    const client = await refused({ unreadBodyWindowMs: 1000, unreadBodyMaxBytes: 30_000 }, 20_000);
    client.write(Buffer.alloc(20_000, 0x61));
    await sleep(1200);
    // A second one, 20 KB sent steadily: under the total on its own, over it with the first's.
    client.write(head(stack!, 20_000));
    await until(() => client.statuses().length > 1, 5000);
    await sendChunks(client, 10, 200);
    await sleep(500);
    expect(client.seen.closedAt).toBe(0);
    expect(await nextRequestAnswered(client)).toEqual([413, 413, expect.any(Number)]);
  }, 30_000);

  it("the window is a timer's span, the rate and the total numbers above 0", () => {
    const handler = createUploadHandler({ getToken: staticToken('t'), locationId: 'loc', authorize: 'anyone' });
    const refused: [keyof NodeHandlerOptions, number[]][] = [
      // Past 2^31 - 1 ms, Node fires a timer after 1 ms instead.
      ['unreadBodyRateWindowMs', [0, 0.5, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]],
      // The 1.0 name, deprecated: still read, and still named when it is the one given.
      ['unreadBodyWindowMs', [0, 0.5, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]],
      ['unreadBodyMinBytesPerSecond', [0, -1, Number.NaN, Number.POSITIVE_INFINITY]],
      ['unreadBodyMaxBytes', [0, -1, Number.NaN, Number.POSITIVE_INFINITY]],
    ];
    for (const [name, values] of refused) {
      for (const value of values) expect(() => toNodeHandler(handler, { [name]: value }), `${name}: ${value}`).toThrow(name);
      expect(() => toNodeHandler(handler, { [name]: 1 })).not.toThrow();
    }
    expect(() => toNodeHandler(handler, { unreadBodyRateWindowMs: 2 ** 31 - 1 })).not.toThrow();
  });
});
