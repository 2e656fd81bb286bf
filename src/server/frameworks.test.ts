/**
 * The handler as docs/server.md says it is served: by Express 5 through the Node adapter (mounted
 * with `app.use`, which strips the mount path from `req.url`, and with `app.all`), called as it
 * is by a fetch-style router (a Next.js route file's `POST`, `GET`, `OPTIONS`), and by Hono on
 * Node (`@hono/node-server`). Each is a real server on loopback in front of the real mock: a
 * real upload whose URL serves the same bytes, a refused file, the preview link read back, a
 * CORS preflight, an unknown method.
 */
import { serve } from '@hono/node-server';
import express from 'express';
import { Hono } from 'hono';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockHighLevel, type RunningMockHighLevel } from '../mock-highlevel/index.js';
import type { ErrorResponseBody, UploadResponseBody } from '../shared/wire.js';
import { fixture } from '../testing/fixtures.js';
import { formOf } from '../testing/multipart.js';
import { createUploadHandler, type UploadHandler } from './create-upload-handler.js';
import { toNodeHandler } from './node-adapter.js';
import { staticToken } from './options.js';

/** A page on another origin that the BFF lists in `allowedOrigins`. */
const CRM_ORIGIN = 'https://crm.example';
const HEADERS = { 'X-Requested-With': 'ghl-attachments' };
const PNG = fixture('sample.png');

let mock: RunningMockHighLevel;
/** Errors nothing caught, thrown while the route finished a request: each would end a Node process. */
const uncaught: Error[] = [];
const recordUncaught = (error: Error) => uncaught.push(error);
beforeAll(async () => {
  mock = await startMockHighLevel({ conversations: ['conv1'], rateLimits: { max: 10_000 } });
  process.on('uncaughtException', recordUncaught);
});
afterAll(async () => {
  process.off('uncaughtException', recordUncaught);
  await mock.close();
  // None may pass unseen: each one is reported here, whichever test it came from.
  if (uncaught.length > 0) throw new AggregateError(uncaught, `${uncaught.length} uncaught error(s) while serving`);
});

function bff(): UploadHandler {
  return createUploadHandler({
    authorize: 'anyone',
    getToken: staticToken(mock.token),
    locationId: mock.locationId,
    apiBase: mock.url,
    allowedOrigins: [CRM_ORIGIN],
  });
}

const pngForm = () => formOf([['conversationId', 'conv1'], { name: 'photo.png', bytes: PNG.bytes, type: 'image/png' }]);
const exeForm = () => formOf([['conversationId', 'conv1'], { name: 'setup.exe', bytes: 'MZ\x90\x00', type: 'application/x-msdownload' }]);

/** How a test reaches the route: over HTTP, or by calling the handler's methods. */
interface Route {
  /** The route's URL as a browser would use it. */
  endpoint: string;
  send(url: string, init: RequestInit): Promise<Response>;
  /** Resolves once the route is done with the last request (its body read or dropped after the answer). */
  settled(): Promise<void>;
}

/** docs/server.md's promises about the route, whichever way it is served. */
function holdsTheContract(route: () => Route) {
  it('takes a real PNG (conversationId first, then the file) and answers its URL, which serves the same bytes', async () => {
    const { endpoint, send } = route();
    const response = await send(endpoint, { method: 'POST', body: pngForm(), headers: HEADERS });
    expect(response.status).toBe(200);
    const { files } = (await response.json()) as UploadResponseBody;
    expect(files).toEqual([expect.objectContaining({ name: 'photo.png', mimeType: 'image/png', size: PNG.bytes.length, kind: 'image' })]);
    const stored = await fetch(files[0]!.url);
    expect(new Uint8Array(await stored.arrayBuffer())).toEqual(PNG.bytes);
  });

  it('refuses a .exe with 415 file-type-not-allowed, and the rest of its body throws nothing', async () => {
    const { endpoint, send, settled } = route();
    const before = uncaught.length;
    const response = await send(endpoint, { method: 'POST', body: exeForm(), headers: HEADERS });
    expect(response.status).toBe(415);
    expect(((await response.json()) as ErrorResponseBody).error.code).toBe('file-type-not-allowed');
    await settled();
    expect(uncaught.slice(before).map(String)).toEqual([]);
  });

  it('answers a previewUrl on the route itself that reads the stored file back (GET → 200, same bytes)', async () => {
    const { endpoint, send } = route();
    const response = await send(endpoint, { method: 'POST', body: pngForm(), headers: HEADERS });
    const { files } = (await response.json()) as UploadResponseBody;
    const { previewUrl } = files[0]!;
    expect(previewUrl).toBeDefined();
    // The link points at the route where it is mounted, not at the server's root.
    expect(previewUrl!.startsWith(`${endpoint}?`)).toBe(true);
    const preview = await send(previewUrl!, { method: 'GET' });
    expect(preview.status).toBe(200);
    expect(preview.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await preview.arrayBuffer())).toEqual(PNG.bytes);
  });

  it('approves a CORS preflight from an allowed origin (204 with Access-Control-Allow-Origin)', async () => {
    const { endpoint, send } = route();
    const response = await send(endpoint, {
      method: 'OPTIONS',
      headers: { Origin: CRM_ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-requested-with' },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(CRM_ORIGIN);
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('answers another method with 405 and Allow', async () => {
    const { endpoint, send } = route();
    const response = await send(endpoint, { method: 'PUT', body: 'x' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST, OPTIONS');
    expect(((await response.json()) as ErrorResponseBody).error.code).toBe('method-not-allowed');
  });
}

/** Listens on a free loopback port; resolves with the origin and a way to close. */
async function listening(server: Server): Promise<{ origin: string; close(): Promise<void> }> {
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A few turns of the event loop: what follows an answer (a drained body, its 'end') has happened. */
async function turns(count = 5): Promise<void> {
  for (let i = 0; i < count; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

const overHttp = (endpoint: string): Route => ({
  endpoint,
  send: (url, init) => fetch(url, init),
  // The server drains or drops the rest of a body after answering; no client can see when.
  settled: () => new Promise((resolve) => setTimeout(resolve, 200)),
});

describe.each([
  ['mounted with app.use (Express strips the mount path from req.url)', 'use'],
  ['routed with app.all', 'all'],
] as const)('Express 5, %s', (_, how) => {
  let server: { origin: string; close(): Promise<void> };
  beforeAll(async () => {
    const app = express();
    const handle = toNodeHandler(bff());
    if (how === 'use') app.use('/api/attachments', handle);
    else app.all('/api/attachments', handle);
    // The rest of the host app: the route must not swallow it, nor fall through to it.
    app.get('/', (_req, res) => {
      res.status(200).send('home');
    });
    server = await listening(createServer(app));
  });
  afterAll(() => server.close());

  holdsTheContract(() => overHttp(`${server.origin}/api/attachments`));
});

describe('a fetch-style router: the handler’s methods called with plain Web Requests (a Next.js route file)', () => {
  // What Next.js hands a route file: the request's public URL, a FormData body.
  const endpoint = 'http://app.example/api/attachments';
  let handler: UploadHandler;
  beforeAll(() => {
    handler = bff();
  });
  // The body as a stream that says when it has been read to its end or dropped.
  let drained: Promise<void> = Promise.resolve();
  const byMethod = (url: string, init: RequestInit) => {
    const plain = new Request(url, init);
    let body: ReadableStream<Uint8Array> | null = null;
    if (plain.body) {
      const reader = plain.body.getReader();
      let done!: () => void;
      drained = new Promise((resolve) => (done = resolve));
      body = new ReadableStream({
        async pull(controller) {
          const next = await reader.read();
          if (next.done) {
            controller.close();
            done();
          } else controller.enqueue(next.value);
        },
        cancel: () => done(),
      });
    } else drained = Promise.resolve();
    const request = new Request(plain, { body, duplex: 'half' } as RequestInit);
    const method = { GET: handler.GET, POST: handler.POST, OPTIONS: handler.OPTIONS }[request.method];
    // Next.js answers methods the file does not export by itself; the handler still answers them.
    return (method ?? handler)(request);
  };

  holdsTheContract(() => ({
    endpoint,
    send: byMethod,
    settled: async () => {
      await drained;
      await turns();
    },
  }));
});

// Last: @hono/node-server puts its own Request and Response in place of the global ones, as it
// does in an app, and they stay for the rest of this file.
describe('Hono on Node (@hono/node-server)', () => {
  let server: { origin: string; close(): Promise<void> };
  beforeAll(async () => {
    const handler = bff();
    const app = new Hono();
    app.all('/api/attachments', (c) => handler(c.req.raw));
    app.get('/', (c) => c.text('home'));
    const running = await new Promise<Server>((resolve) => {
      const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started as Server));
    });
    server = await listening(running);
  });
  afterAll(() => server.close());

  holdsTheContract(() => overHttp(`${server.origin}/api/attachments`));
});
