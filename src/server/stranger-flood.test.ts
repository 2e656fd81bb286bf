/**
 * A stranger can use up only what strangers are given: hundreds of connections that never show
 * who they are (idle sign-ins, uploads that drip a multipart preamble) leave an authorized
 * upload stored within seconds. Raw sockets on loopback against the real BFF and mock.
 */
import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encryptUserContext, mockUserContext } from '../mock-highlevel/index.js';
import { fixture } from '../testing/fixtures.js';
import { multipartBody } from '../testing/raw-request.js';
import { startStack, type Stack } from '../testing/start-stack.js';
import type { UploadHandlerOptions } from './index.js';

const BOUNDARY = 'flood-boundary';
const SECRET = 'a-shared-secret-of-the-marketplace-app';
const BEARER = 'the-host-apps-own-user-token';
const ATTACKERS = 260;

const sleep = (ms: number) => new Promise((wait) => setTimeout(wait, ms));

let stack: Stack | undefined;
let attack: Attack | undefined;
afterEach(async () => {
  attack?.stop();
  attack = undefined;
  await stack?.close();
  stack = undefined;
});

interface Attack {
  /** Answers the attackers got, by status. */
  statuses: Map<number, number>;
  connections: () => number;
  stop(): void;
}

/**
 * `count` connections from `localAddress` that each send `head` and then feed `drip()` every
 * 500 ms; one the server closes is opened again after 200 ms, as a determined attacker would.
 */
function flood(origin: string, head: string, drip: () => string | undefined, count: number, localAddress = '127.0.0.1'): Attack {
  const { port } = new URL(origin);
  const statuses = new Map<number, number>();
  const open = new Set<Socket>();
  let stopped = false;
  const start = () => {
    if (stopped) return;
    const socket = connect({ port: Number(port), host: '127.0.0.1', localAddress });
    open.add(socket);
    let seen = '';
    socket.on('connect', () => socket.write(head));
    socket.on('data', (chunk: Buffer) => {
      if (seen.length > 64) return;
      seen += chunk.toString('latin1');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(seen)?.[1];
      if (status) statuses.set(Number(status), (statuses.get(Number(status)) ?? 0) + 1);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      open.delete(socket);
      if (!stopped) setTimeout(start, 200);
    });
  };
  for (let i = 0; i < count; i += 1) start();
  const timer = setInterval(() => {
    const bytes = drip();
    if (bytes === undefined) return;
    for (const socket of open) if (!socket.destroyed && socket.writable) socket.write(bytes);
  }, 500);
  return {
    statuses,
    connections: () => open.size,
    stop() {
      stopped = true;
      clearInterval(timer);
      for (const socket of open) socket.destroy();
    },
  };
}

interface Answer {
  status: number;
  retryAfter: number | undefined;
  text: string;
}

/** One upload of a PNG, as the widget sends it, from `localAddress`. */
function uploadOnce(endpoint: string, headers: Record<string, string>, localAddress = '127.0.0.1'): Promise<Answer> {
  const body = multipartBody(BOUNDARY, [
    { headers: 'Content-Disposition: form-data; name="conversationId"', body: 'conv1' },
    { headers: 'Content-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png', body: Buffer.from(fixture('sample.png').bytes) },
  ]);
  return new Promise((resolve, reject) => {
    const req = httpRequest(endpoint, {
      method: 'POST',
      localAddress,
      agent: false,
      headers: {
        'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
        'Content-Length': body.length,
        'X-Requested-With': 'ghl-attachments',
        ...headers,
      },
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const retryAfter = res.headers['retry-after'];
        resolve({ status: res.statusCode ?? 0, retryAfter: retryAfter === undefined ? undefined : Number(retryAfter), text: Buffer.concat(chunks).toString() });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Uploads as the widget does: a 503 or 429 is tried again after its `Retry-After`. Resolves
 * with the final answer and the time from the first try.
 */
async function uploadLikeTheWidget(endpoint: string, headers: Record<string, string>, localAddress?: string) {
  const started = Date.now();
  const tries: number[] = [];
  for (;;) {
    const answer = await uploadOnce(endpoint, headers, localAddress);
    tries.push(answer.status);
    if ((answer.status !== 503 && answer.status !== 429) || Date.now() - started > 20_000) {
      return { answer, ms: Date.now() - started, tries };
    }
    await sleep((answer.retryAfter ?? 1) * 1000);
  }
}

const requestHead = (stack: Stack, path: string, contentType: string, length: number) =>
  `POST ${path} HTTP/1.1\r\nHost: ${new URL(stack.origin).host}\r\nContent-Type: ${contentType}\r\n` +
  `X-Requested-With: ghl-attachments\r\nContent-Length: ${length}\r\n\r\n`;

/** What the attack leaves of the heap once it has run a while: it must not grow with the connections. */
async function heapGrowthDuring(run: () => Promise<void>): Promise<number> {
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 100);
  try {
    await run();
  } finally {
    clearInterval(sampler);
  }
  return peak - before;
}

describe('strangers fill only what strangers are given', () => {
  it(`with SSO: ${ATTACKERS} sign-ins that send headers and then nothing leave a signed-in user's upload stored within 10 s`, async () => {
    stack = await startStack({
      mock: { conversations: ['conv1'] },
      bff: { locationId: undefined, highLevelSso: { sharedSecret: SECRET } },
    });
    const signIn = await fetch(`${stack.endpoint}/session`, {
      method: 'POST',
      headers: { 'X-Requested-With': 'ghl-attachments', 'Content-Type': 'application/json' },
      body: JSON.stringify({ encryptedData: encryptUserContext(mockUserContext(stack.mock.locationId), SECRET) }),
    });
    expect(signIn.status).toBe(200);
    const { token } = (await signIn.json()) as { token: string };

    const current = stack;
    let result: Awaited<ReturnType<typeof uploadLikeTheWidget>> | undefined;
    const growth = await heapGrowthDuring(async () => {
      attack = flood(current.origin, requestHead(current, '/api/attachments/session', 'application/json', 1000), () => undefined, ATTACKERS);
      // Long enough for every attacker to be connected and holding what it can.
      await sleep(1500);
      result = await uploadLikeTheWidget(current.endpoint, { Authorization: `Bearer ${token}` });
    });

    expect(result!.answer.status, result!.answer.text).toBe(200);
    expect(result!.ms).toBeLessThan(10_000);
    expect(current.mock.stats.uploadsStored).toBe(1);
    // One address got its share of the strangers' pool; the rest were told 429 at once.
    expect(attack!.statuses.get(429) ?? 0).toBeGreaterThan(ATTACKERS - 20);
    expect(growth).toBeLessThan(64 * 1024 * 1024);
  }, 60_000);

  it(`without SSO (authenticate checks the bearer): ${ATTACKERS} uploads dripping a preamble leave an authorized upload stored within 10 s`, async () => {
    const bff: Partial<UploadHandlerOptions> = {
      authenticate: (request) => request.headers.get('authorization') === `Bearer ${BEARER}`,
      authorize: (request) => request.headers.get('authorization') === `Bearer ${BEARER}`,
    };
    stack = await startStack({ mock: { conversations: ['conv1'] }, bff });
    const current = stack;
    let result: Awaited<ReturnType<typeof uploadLikeTheWidget>> | undefined;
    // ~1.4 KB a second each: above the 1,024 B/s floor, forever short of its declared 26 MB.
    const preamble = () => 'p'.repeat(700);
    const growth = await heapGrowthDuring(async () => {
      attack = flood(current.origin, requestHead(current, '/api/attachments', `multipart/form-data; boundary=${BOUNDARY}`, 26_000_000), preamble, ATTACKERS);
      await sleep(1500);
      result = await uploadLikeTheWidget(current.endpoint, { Authorization: `Bearer ${BEARER}` });
    });

    expect(result!.answer.status, result!.answer.text).toBe(200);
    expect(result!.ms).toBeLessThan(10_000);
    expect(result!.tries).toEqual([200]);
    expect(current.mock.stats.uploadsStored).toBe(1);
    expect(growth).toBeLessThan(64 * 1024 * 1024);
  }, 60_000);

  it('a stranger dripping a preamble is cut off once it is past 8 KiB or 5 s, whichever comes first, long before its declared size', async () => {
    stack = await startStack({ mock: { conversations: ['conv1'] }, bff: { authorize: () => true } });
    const current = stack;
    const started = Date.now();
    attack = flood(current.origin, requestHead(current, '/api/attachments', `multipart/form-data; boundary=${BOUNDARY}`, 26_000_000), () => 'p'.repeat(700), 1);
    while ((attack.statuses.size === 0) && Date.now() - started < 15_000) await sleep(50);
    const cutAfter = Date.now() - started;
    expect([...attack.statuses.keys()]).toEqual([expect.toBeOneOf([400, 408])]);
    expect(cutAfter).toBeLessThan(9_000);
  }, 30_000);

  it('with authorize alone, a flood from one address leaves an upload from another address stored within 10 s', async () => {
    stack = await startStack({
      mock: { conversations: ['conv1'] },
      bff: { authorize: (request) => request.headers.get('authorization') === `Bearer ${BEARER}` },
    });
    const current = stack;
    attack = flood(current.origin, requestHead(current, '/api/attachments', `multipart/form-data; boundary=${BOUNDARY}`, 26_000_000), () => 'p'.repeat(700), ATTACKERS);
    await sleep(1500);
    const result = await uploadLikeTheWidget(current.endpoint, { Authorization: `Bearer ${BEARER}` }, '127.0.0.2');
    expect(result.answer.status, result.answer.text).toBe(200);
    expect(result.ms).toBeLessThan(10_000);
    expect(attack.statuses.get(429) ?? 0).toBeGreaterThan(ATTACKERS - 20);
  }, 60_000);

  it('authenticate saying no is 401 before a byte of the body is read, and nothing reaches HighLevel', async () => {
    stack = await startStack({ mock: { conversations: ['conv1'] }, bff: { authenticate: () => false, authorize: () => true } });
    const answer = await uploadOnce(stack.endpoint, {});
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.text).error.code).toBe('unauthorized');
    expect(stack.mock.stats.uploadsStored).toBe(0);
  });
});

describe('connections per address (Node adapter)', () => {
  it('answers a request on a connection past the limit with 429 and closes it; others are served', async () => {
    stack = await startStack({ mock: { conversations: ['conv1'] }, node: { maxConnectionsPerAddress: 2 } });
    const current = stack;
    const { port } = new URL(current.origin);
    const held: Socket[] = [];
    const ask = (socket: Socket) =>
      new Promise<string>((resolve) => {
        let seen = '';
        socket.on('data', (chunk: Buffer) => {
          seen += chunk.toString('latin1');
          if (seen.includes('\r\n\r\n')) resolve(seen);
        });
        socket.on('close', () => resolve(seen));
        socket.write(`OPTIONS /api/attachments HTTP/1.1\r\nHost: ${new URL(current.origin).host}\r\n\r\n`);
      });
    try {
      for (let i = 0; i < 3; i += 1) {
        const socket = connect(Number(port), '127.0.0.1');
        socket.on('error', () => undefined);
        held.push(socket);
      }
      const first = await ask(held[0]!);
      const second = await ask(held[1]!);
      const third = await ask(held[2]!);
      expect(first).not.toMatch(/^HTTP\/1\.1 429/);
      expect(second).not.toMatch(/^HTTP\/1\.1 429/);
      expect(third).toMatch(/^HTTP\/1\.1 429/);
      expect(third).toMatch(/connection: close/i);
      // One of the first two closes: its place is free for a new connection.
      held[0]!.destroy();
      await sleep(100);
      const fourth = connect(Number(port), '127.0.0.1');
      fourth.on('error', () => undefined);
      held.push(fourth);
      expect(await ask(fourth)).not.toMatch(/^HTTP\/1\.1 429/);
      // From another address, the limit is that address's own.
      const elsewhere = connect({ port: Number(port), host: '127.0.0.1', localAddress: '127.0.0.2' });
      elsewhere.on('error', () => undefined);
      held.push(elsewhere);
      expect(await ask(elsewhere)).not.toMatch(/^HTTP\/1\.1 429/);
    } finally {
      for (const socket of held) socket.destroy();
    }
  });
});

describe('the client address behind a proxy', () => {
  const signInFrom = (current: Stack, forwardedFor: string) =>
    new Promise<number>((resolve) => {
      const req = httpRequest(`${current.endpoint}/session`, {
        method: 'POST',
        agent: false,
        headers: { 'X-Requested-With': 'ghl-attachments', 'Content-Type': 'application/json', 'Content-Length': 1000, 'X-Forwarded-For': forwardedFor },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
      req.write('{');
      // Held open: the sign-in keeps its place until the stack closes.
    });

  it.each([
    ['trusted, counts each forwarded client apart', { trustProxy: true }, 0],
    ['not trusted (the default), counts the socket: one address', {}, 1],
  ])('when the proxy is %s', async (_, options, refusedFromOthers) => {
    stack = await startStack({
      bff: { locationId: undefined, highLevelSso: { sharedSecret: SECRET }, maxUnauthenticatedPerAddress: 1, ...options },
    });
    const current = stack;
    const answers: number[] = [];
    void signInFrom(current, '198.51.100.1').then((status) => answers.push(status));
    await sleep(200);
    // The same forwarded client again: refused at once in both modes.
    expect(await signInFrom(current, '198.51.100.1')).toBe(429);
    // Another forwarded client: its own address only when the proxy is trusted.
    const other = await Promise.race([signInFrom(current, '198.51.100.2'), sleep(1000).then(() => 0)]);
    expect(other === 429 ? 1 : 0).toBe(refusedFromOthers);
  });
});
