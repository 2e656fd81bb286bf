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
import { multipartBody } from '../testing/multipart.js';
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

describe('places held for nothing (each held before: 503 or 429 for as long as the flood lasted)', () => {
  /** `perAddress` connections from each of `addresses` loopback addresses 127.0.0.10… */
  const spread = (origin: string, head: string, drip: () => string | undefined, addresses: number, perAddress: number) =>
    Array.from({ length: addresses }, (_, i) => flood(origin, head, drip, perAddress, `127.0.0.${10 + i}`));
  let attacks: Attack[] = [];
  afterEach(() => {
    for (const each of attacks) each.stop();
    attacks = [];
  });

  it('a field that never ends after the conversation holds no stranger’s place: authorize is asked at the conversation', async () => {
    stack = await startStack({
      mock: { conversations: ['conv1'] },
      bff: { authorize: (request) => request.headers.get('authorization') === `Bearer ${BEARER}` },
    });
    const current = stack;
    const opening =
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="conversationId"\r\n\r\nconv1\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="x"\r\n\r\n`;
    const head = requestHead(current, '/api/attachments', `multipart/form-data; boundary=${BOUNDARY}`, 26_000_000) + opening;
    attacks = spread(current.origin, head, () => 'x'.repeat(700), 4, 8);
    await sleep(1500);
    const result = await uploadLikeTheWidget(current.endpoint, { Authorization: `Bearer ${BEARER}` }, '127.0.0.2');
    expect(result.answer.status, result.answer.text).toBe(200);
    expect(result.ms).toBeLessThan(10_000);
  }, 60_000);

  it('sign-ins that hold their place for the deadline and come back cannot keep a newcomer out: the oldest gives way', async () => {
    stack = await startStack({ mock: { conversations: ['conv1'] }, bff: { locationId: undefined, highLevelSso: { sharedSecret: SECRET } } });
    const current = stack;
    attacks = spread(current.origin, requestHead(current, '/api/attachments/session', 'application/json', 17_000), () => undefined, 4, 8);
    await sleep(1500);
    const started = Date.now();
    let status = 0;
    for (let tries = 0; tries < 10 && status !== 200; tries += 1) {
      const answer = await new Promise<{ status: number; retryAfter: number }>((resolve, reject) => {
        const body = JSON.stringify({ encryptedData: encryptUserContext(mockUserContext(current.mock.locationId), SECRET) });
        const req = httpRequest(`${current.endpoint}/session`, {
          method: 'POST',
          localAddress: '127.0.0.2',
          agent: false,
          headers: { 'X-Requested-With': 'ghl-attachments', 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        });
        req.on('response', (res) => {
          res.resume();
          resolve({ status: res.statusCode ?? 0, retryAfter: Number(res.headers['retry-after'] ?? 1) });
        });
        req.on('error', reject);
        req.end(body);
      });
      status = answer.status;
      if (status !== 200) await sleep(answer.retryAfter * 1000);
    }
    expect(status).toBe(200);
    expect(Date.now() - started).toBeLessThan(10_000);
    // The flood's own places were taken back one by one: some of its sign-ins heard 503.
    expect(attacks.reduce((sum, each) => sum + (each.statuses.get(503) ?? 0), 0)).toBeGreaterThan(0);
  }, 60_000);

  it('a known caller dripping a preamble is cut at the same deadline: anyone may upload, and still no flood fills the pool', async () => {
    stack = await startStack({ mock: { conversations: ['conv1'] }, bff: { authorize: 'anyone' } });
    const current = stack;
    const started = Date.now();
    attacks = spread(current.origin, requestHead(current, '/api/attachments', `multipart/form-data; boundary=${BOUNDARY}`, 26_000_000), () => 'p'.repeat(700), 4, 64);
    await sleep(1500);
    const result = await uploadLikeTheWidget(current.endpoint, {}, '127.0.0.2');
    expect(result.answer.status, result.answer.text).toBe(200);
    expect(result.ms).toBeLessThan(10_000);
    while (attacks.every((each) => each.statuses.size === 0) && Date.now() - started < 15_000) await sleep(100);
    const statuses = new Set(attacks.flatMap((each) => [...each.statuses.keys()]));
    // Past its address's share (429), or cut at the deadline or past 8 KiB (408, 400).
    for (const status of statuses) expect([400, 408, 429]).toContain(status);
  }, 60_000);

  it('bytes after the closing boundary are bounded: a body that goes on after its last file is refused, not held', async () => {
    stack = await startStack({ mock: { conversations: ['conv1'] } });
    const form = multipartBody(BOUNDARY, [
      { headers: 'Content-Disposition: form-data; name="conversationId"', body: 'conv1' },
      { headers: 'Content-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png', body: Buffer.from(fixture('sample.png').bytes) },
    ]);
    const started = Date.now();
    const { port } = new URL(stack.origin);
    const socket = connect(Number(port), '127.0.0.1');
    socket.on('error', () => undefined);
    let seen = '';
    socket.on('data', (chunk: Buffer) => (seen += chunk.toString('latin1')));
    const chunk = (bytes: Buffer | string) => {
      const data = Buffer.from(bytes);
      socket.write(`${data.length.toString(16)}\r\n`);
      socket.write(data);
      socket.write('\r\n');
    };
    socket.write(
      `POST /api/attachments HTTP/1.1\r\nHost: ${new URL(stack.origin).host}\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\n` +
        'X-Requested-With: ghl-attachments\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    chunk(form);
    for (let i = 0; i < 60 && !seen.includes('HTTP/1.1') && !socket.destroyed; i += 1) {
      chunk('e'.repeat(1400));
      await sleep(250);
    }
    socket.destroy();
    expect(seen).toMatch(/^HTTP\/1\.1 400/);
    // 16 KiB at 5.6 KB/s: about 3 s, where the pace alone would have held it for hours.
    expect(Date.now() - started).toBeLessThan(10_000);
  }, 30_000);

  it('one location’s uploads have a share of the pool: its callers hear 429 past it, and are served again once it is free', async () => {
    stack = await startStack({
      mock: { conversations: ['conv1'] },
      bff: { locationId: undefined, highLevelSso: { sharedSecret: SECRET }, maxUploadsPerLocation: 1 },
    });
    const current = stack;
    const signIn = await fetch(`${current.endpoint}/session`, {
      method: 'POST',
      headers: { 'X-Requested-With': 'ghl-attachments', 'Content-Type': 'application/json' },
      body: JSON.stringify({ encryptedData: encryptUserContext(mockUserContext(current.mock.locationId), SECRET) }),
    });
    const { token } = (await signIn.json()) as { token: string };
    // One upload of the location held open, sending its first bytes and then nothing.
    const held = connect(Number(new URL(current.origin).port), '127.0.0.1');
    held.on('error', () => undefined);
    held.write(
      requestHead(current, '/api/attachments', `multipart/form-data; boundary=${BOUNDARY}`, 100_000).replace('\r\n\r\n', `\r\nAuthorization: Bearer ${token}\r\n\r\n`),
    );
    await sleep(300);
    try {
      const second = await uploadOnce(current.endpoint, { Authorization: `Bearer ${token}` }, '127.0.0.2');
      expect(second.status).toBe(429);
      expect(JSON.parse(second.text).error.code).toBe('rate-limited');
    } finally {
      held.destroy();
    }
    await sleep(300);
    expect((await uploadOnce(current.endpoint, { Authorization: `Bearer ${token}` }, '127.0.0.2')).status).toBe(200);
  }, 30_000);
});

describe('a client past its sign-ins a minute', () => {
  it('is told 429 before it may take a place: it evicts no one', async () => {
    stack = await startStack({
      bff: { locationId: undefined, highLevelSso: { sharedSecret: SECRET, signInsPerMinutePerAddress: 1 }, maxUnauthenticatedInFlight: 1 },
    });
    const current = stack;
    const signIn = (localAddress: string, body: string | undefined, length: number) =>
      new Promise<number>((resolve) => {
        const req = httpRequest(`${current.endpoint}/session`, {
          method: 'POST',
          localAddress,
          agent: false,
          headers: { 'X-Requested-With': 'ghl-attachments', 'Content-Type': 'application/json', 'Content-Length': length },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', () => resolve(0));
        if (body === undefined) req.write('{');
        else req.end(body);
      });
    // 127.0.0.2 uses its one sign-in of the minute.
    expect(await signIn('127.0.0.2', '{"encryptedData":"AAAA"}', 24)).toBe(401);
    // 127.0.0.1's sign-in holds the only place, its body still on the way.
    let held = 0;
    void signIn('127.0.0.1', undefined, 1000).then((status) => (held = status));
    await sleep(200);
    expect(await signIn('127.0.0.2', '{"encryptedData":"AAAA"}', 24)).toBe(429);
    await sleep(200);
    // Not evicted (that would have been 503 at once): it is still waiting for its body.
    expect(held).toBe(0);
  });
});
