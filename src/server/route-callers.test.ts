/**
 * Who the route counts a request as before it reads a byte of the body, and how long a preview
 * holds its address's place. The handler in process (a fetch-style server: the host says who the
 * client is), in front of the real mock; bodies are streams this test feeds, so that one request
 * can be held open while another is asked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptUserContext, mockUserContext } from '../mock-highlevel/index.js';
import { fixture } from '../testing/fixtures.js';
import { fieldPart, filePart, multipart } from '../testing/multipart.js';
import { startStack, type Stack } from '../testing/start-stack.js';
import { createUploadHandler, type UploadHandler, type UploadHandlerOptions } from './index.js';

const ROUTE = 'http://127.0.0.1/api/attachments';
const SECRET = 'a-shared-secret-of-the-marketplace-app';
const WIDGET = { 'X-Requested-With': 'ghl-attachments' };

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    mock: {
      tokens: [{ token: 'token-a', locationId: 'loc-a' }],
      users: [{ id: 'mock-user', role: 'admin', type: 'account', locationIds: ['loc-a'] }],
      rateLimits: { max: 10_000 },
    },
  });
});
afterAll(() => stack.close());

/** Every request from one address; strangers of that address get one place at a time. */
function handlerWith(options: Partial<UploadHandlerOptions>): UploadHandler {
  return createUploadHandler({
    getToken: () => 'token-a',
    locationId: 'loc-a',
    apiBase: stack.mock.url,
    authorize: () => true,
    rateLimit: false,
    logger: {},
    clientAddress: () => '198.51.100.7',
    maxUnauthenticatedPerAddress: 1,
    ...options,
  });
}

const upload = multipart([fieldPart('conversationId', 'conv1'), filePart({ name: 'a.png', bytes: fixture('sample.png').bytes, type: 'image/png' })]);

interface Sent {
  answer: Promise<Response>;
  /** Resolves once the route reads the body: the request has its places by then. */
  reading: Promise<void>;
  /** Whether the route has read any of the body. */
  read: () => boolean;
}

/** An upload whose body stops after its first bytes until `held` resolves (when given). */
function send(handler: UploadHandler, headers: Record<string, string> = {}, held?: Promise<void>): Sent {
  let read = false;
  let started!: () => void;
  const reading = new Promise<void>((resolve) => (started = resolve));
  let step = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      read = true;
      started();
      if (step === 0) {
        step = 1;
        controller.enqueue(upload.body.subarray(0, 16));
        return;
      }
      await held;
      controller.enqueue(upload.body.subarray(16));
      controller.close();
    },
    // Nothing is pulled before the route reads.
  }, { highWaterMark: 0 });
  const init = { method: 'POST', body, duplex: 'half', headers: { 'Content-Type': upload.contentType, ...WIDGET, ...headers } };
  return { answer: handler(new Request(ROUTE, init as RequestInit)), reading, read: () => read };
}

/** Holds one upload open, asks a second from the same address, then lets the first finish. */
async function secondWhileFirstHeld(handler: UploadHandler, headers: Record<string, string> = {}) {
  let release!: () => void;
  const first = send(handler, headers, new Promise<void>((resolve) => (release = resolve)));
  await first.reading;
  const second = await send(handler, headers).answer;
  release();
  const firstAnswer = await first.answer;
  return { first: firstAnswer.status, second: second.status, secondCode: second.status === 200 ? undefined : ((await second.json()) as { error: { code: string } }).error.code };
}

describe('who an upload is counted as, before its body is read', () => {
  it('a stranger, without a check of the host: its address has one stranger’s place, the second is told 429', async () => {
    expect(await secondWhileFirstHeld(handlerWith({}))).toEqual({ first: 200, second: 429, secondCode: 'rate-limited' });
  });

  it('a known caller when the host’s authenticate says yes: the strangers’ share does not hold it back', async () => {
    const handler = handlerWith({ authenticate: (request) => request.headers.get('authorization') === 'Bearer host-user' });
    expect(await secondWhileFirstHeld(handler, { Authorization: 'Bearer host-user' })).toEqual({ first: 200, second: 200, secondCode: undefined });
  });

  it('a known caller with authorize: anyone', async () => {
    expect(await secondWhileFirstHeld(handlerWith({ authorize: 'anyone' }))).toEqual({ first: 200, second: 200, secondCode: undefined });
  });

  it('a known caller with an SSO session (the session is checked before the body)', async () => {
    const handler = handlerWith({ locationId: undefined, highLevelSso: { sharedSecret: SECRET } });
    const signIn = await handler(
      new Request(`${ROUTE}/session`, {
        method: 'POST',
        headers: { ...WIDGET, 'Content-Type': 'application/json' },
        body: JSON.stringify({ encryptedData: encryptUserContext(mockUserContext('loc-a'), SECRET) }),
      }),
    );
    expect(signIn.status).toBe(200);
    const { token } = (await signIn.json()) as { token: string };
    expect(await secondWhileFirstHeld(handler, { Authorization: `Bearer ${token}` })).toEqual({ first: 200, second: 200, secondCode: undefined });
  });

  it('refused with 401 when the host’s authenticate says no: no byte of the body read, nothing sent to HighLevel', async () => {
    const before = stack.mock.stats.uploadRequests;
    const sent = send(handlerWith({ authenticate: async () => false }));
    const answer = await sent.answer;
    expect(answer.status).toBe(401);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
    expect(sent.read()).toBe(false);
    expect(stack.mock.stats.uploadRequests).toBe(before);
  });
});

describe('a preview holds its address’s place while its body is sent', () => {
  type Serve = 'stored' | 'no body' | 'breaks off';
  let serve: Serve = 'stored';
  /** HighLevel as the mock is, but a file read can come back without a body or break off. */
  const highLevel: typeof fetch = async (input, init) => {
    if ((init?.method ?? 'GET') !== 'GET' || serve === 'stored') return fetch(input, init);
    const headers = { 'Content-Type': 'image/png' };
    if (serve === 'no body') return new Response(null, { status: 200, headers });
    const broken = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
        controller.error(new Error('connection reset'));
      },
    });
    return new Response(broken, { status: 200, headers });
  };

  async function previewOf(handler: UploadHandler) {
    const uploaded = await handler(new Request(ROUTE, { method: 'POST', body: new Uint8Array(upload.body), headers: { 'Content-Type': upload.contentType, ...WIDGET } }));
    expect(uploaded.status).toBe(200);
    const { files } = (await uploaded.json()) as { files: { previewUrl: string }[] };
    return () => handler(new Request(files[0]!.previewUrl));
  }

  const oneAtATime = () => handlerWith({ authorize: 'anyone', fetch: highLevel, maxInFlightPerAddress: 1 });

  it('until the body is read or given up, not only until its headers are out', async () => {
    serve = 'stored';
    const preview = await previewOf(oneAtATime());
    const first = await preview();
    expect(first.status).toBe(200);
    // Its body not read yet: the address's only place is still taken.
    expect((await preview()).status).toBe(429);
    await first.body!.cancel();
    const second = await preview();
    expect(second.status).toBe(200);
    expect(Buffer.from(await second.arrayBuffer()).equals(Buffer.from(fixture('sample.png').bytes))).toBe(true);
    expect((await preview()).status).toBe(200);
  });

  it('a read of HighLevel that breaks off gives the place back, with the error to the client', async () => {
    serve = 'stored';
    const preview = await previewOf(oneAtATime());
    serve = 'breaks off';
    const broken = await preview();
    expect(broken.status).toBe(200);
    await expect(broken.arrayBuffer()).rejects.toThrow();
    serve = 'stored';
    expect((await preview()).status).toBe(200);
  });

  it('an answer without a body gives the place back at once', async () => {
    serve = 'stored';
    const preview = await previewOf(oneAtATime());
    serve = 'no body';
    const empty = await preview();
    expect(empty.status).toBe(200);
    expect(empty.body).toBeNull();
    serve = 'stored';
    expect((await preview()).status).toBe(200);
  });
});
