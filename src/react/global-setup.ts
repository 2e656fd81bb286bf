import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestProject } from 'vitest/node';
import type { MockFault, MockSendFault } from '../mock-highlevel/index.js';
import { startStack, type Stack } from '../testing/start-stack.js';
import type { OwnStackOptions } from '../testing/own-stack.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Origin of the server that starts a stack for each component test file (src/testing/own-stack.ts). */
    stackFactoryOrigin: string;
  }
}

/**
 * Component tests run in happy-dom, whose `fetch`, `Request` and `Response` replace Node's. The
 * BFF must run in plain Node, as in production, so stacks start here, outside the test
 * environment: `POST /stacks` starts a real BFF with a real mock HighLevel behind it, one per test
 * file. Test files run in parallel; a fault queued on a shared mock, or a count of its requests,
 * would mix with another file's uploads. On each stack, `GET /__stats` reports how many requests
 * reached the mock, and `POST /__fail` injects a fault.
 */
export default async function setup(project: TestProject) {
  const stacks: Stack[] = [];
  const factory = createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/stacks') {
      res.writeHead(404).end();
      return;
    }
    readJson<OwnStackOptions>(req)
      .then(async (options) => {
        const stack: Stack = await startStack({
          mock: { conversations: ['conv1'], rateLimits: { max: 10_000 } },
          bff: {
            ...(options.maxUploadsInFlight ? { maxUploadsInFlight: options.maxUploadsInFlight } : {}),
            ...(options.allowedTypes ? { allowedTypes: options.allowedTypes } : {}),
          },
          routes: { '/__stats': statsRoute(() => stack), '/__fail': failRoute(() => stack), '/__fail-send': failRoute(() => stack, 'send') },
        });
        stacks.push(stack);
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ origin: stack.origin }));
      })
      .catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => factory.listen(0, '127.0.0.1', resolve));
  project.provide('stackFactoryOrigin', `http://127.0.0.1:${(factory.address() as AddressInfo).port}`);
  return async () => {
    factory.closeAllConnections();
    await new Promise<void>((resolve) => factory.close(() => resolve()));
    await Promise.all(stacks.map((stack) => stack.close()));
  };
}

function readJson<T>(req: IncomingMessage): Promise<T> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += String(chunk)));
    req.on('end', () => {
      try {
        resolve(JSON.parse(body || '{}') as T);
      } catch (error) {
        reject(error as Error);
      }
    });
    req.on('error', reject);
  });
}

/** `GET /__stats`: how many requests reached the stack's mock. */
function statsRoute(stack: () => Stack) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(stack().mock.stats));
  };
}

/** `POST /__fail` (`/__fail-send`) with a MockFault as JSON: the stack's mock plays it on the next upload (send). */
function failRoute(stack: () => Stack, on: 'upload' | 'send' = 'upload') {
  return (req: IncomingMessage, res: ServerResponse) => {
    readJson<MockSendFault>(req).then(
      (fault) => {
        if (on === 'send') stack().mock.failNextSend(fault);
        else stack().mock.failNext(fault as MockFault);
        res.writeHead(204).end();
      },
      () => res.writeHead(400).end(),
    );
  };
}
