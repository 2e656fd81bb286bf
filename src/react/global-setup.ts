import type { TestProject } from 'vitest/node';
import type { MockFault } from '../mock-highlevel/index.js';
import { startStack } from '../testing/start-stack.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Origin of a real BFF (with a real mock HighLevel behind it) for component tests. */
    stackOrigin: string;
  }
}

/**
 * Component tests run in happy-dom, whose `fetch`, `Request` and `Response` replace Node's. The
 * BFF must run in plain Node, as in production, so it starts here, outside the test environment.
 * `GET /__stats` reports how many requests reached the mock; `POST /__fail` injects a fault.
 */
export default async function setup(project: TestProject) {
  const stack = await startStack({
    mock: { conversations: ['conv1'], rateLimits: { max: 10_000 } },
    routes: {
      '/__stats': (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(stack.mock.stats));
      },
      // POST a MockFault as JSON: the mock plays it on the next upload.
      '/__fail': (req, res) => {
        let body = '';
        req.on('data', (chunk: Buffer) => (body += String(chunk)));
        req.on('end', () => {
          stack.mock.failNext(JSON.parse(body) as MockFault);
          res.writeHead(204).end();
        });
      },
    },
  });
  project.provide('stackOrigin', stack.origin);
  return () => stack.close();
}
