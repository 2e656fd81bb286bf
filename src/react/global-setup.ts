import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TestProject } from 'vitest/node';
import type { MockFault } from '../mock-highlevel/index.js';
import { startStack, type Stack } from '../testing/start-stack.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Origin of a real BFF (with a real mock HighLevel behind it) for component tests. */
    stackOrigin: string;
    /** The same, with room for one upload at a time: a second one is answered 503 `server-busy`. */
    busyStackOrigin: string;
    /**
     * Another, for the store's end-to-end tests, which inject faults: test files run in parallel,
     * and a fault queued on a shared stack could be played on another file's upload.
     */
    flowStackOrigin: string;
  }
}

/**
 * Component tests run in happy-dom, whose `fetch`, `Request` and `Response` replace Node's. The
 * BFF must run in plain Node, as in production, so it starts here, outside the test environment.
 * `GET /__stats` reports how many requests reached the mock; `POST /__fail` injects a fault.
 */
export default async function setup(project: TestProject) {
  const stack: Stack = await startStack({
    mock: { conversations: ['conv1'], rateLimits: { max: 10_000 } },
    routes: {
      '/__stats': statsRoute(() => stack),
      // POST a MockFault as JSON: the mock plays it on the next upload.
      '/__fail': failRoute(() => stack),
    },
  });
  const busy: Stack = await startStack({
    mock: { conversations: ['conv1'], rateLimits: { max: 10_000 } },
    bff: { maxUploadsInFlight: 1 },
    routes: { '/__fail': failRoute(() => busy), '/__stats': statsRoute(() => busy) },
  });
  const flow: Stack = await startStack({
    mock: { conversations: ['conv1'], rateLimits: { max: 10_000 } },
    routes: { '/__fail': failRoute(() => flow), '/__stats': statsRoute(() => flow) },
  });
  project.provide('stackOrigin', stack.origin);
  project.provide('flowStackOrigin', flow.origin);
  project.provide('busyStackOrigin', busy.origin);
  return async () => {
    await stack.close();
    await busy.close();
    await flow.close();
  };
}

/** `GET /__stats`: how many requests reached the stack's mock. */
function statsRoute(stack: () => Stack) {
  return (_req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(stack().mock.stats));
  };
}

/** `POST /__fail` with a MockFault as JSON: the stack's mock plays it on the next upload. */
function failRoute(stack: () => Stack) {
  return (req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += String(chunk)));
    req.on('end', () => {
      stack().mock.failNext(JSON.parse(body) as MockFault);
      res.writeHead(204).end();
    });
  };
}
