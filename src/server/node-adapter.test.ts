import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { rawRequest } from '../testing/raw-request.js';
import { toNodeHandler } from './index.js';

/** `toNodeHandler` around any fetch handler: an answer even when the handler throws, and headers as they were set. */
describe('toNodeHandler with any fetch handler', () => {
  /** A Node server around `handler`, for one test. */
  async function serve(handler: (request: Request) => Promise<Response>) {
    const handle = toNodeHandler(handler);
    const server = createServer((req, res) => handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  it('a handler that throws still gets the client an answer: 500 internal', async () => {
    const server = await serve(() => Promise.reject(new Error('bug in a handler')));
    try {
      const answer = await rawRequest(server.url, { method: 'GET' });
      expect(answer?.status).toBe(500);
      expect(JSON.parse(answer!.text).error.code).toBe('internal');
      expect(answer?.text).not.toContain('bug in a handler');
    } finally {
      await server.close();
    }
  });

  it('several Set-Cookie headers arrive as several, not folded into one', async () => {
    const server = await serve(async () => {
      const headers = new Headers();
      headers.append('Set-Cookie', 'a=1; Path=/');
      headers.append('Set-Cookie', 'b=2; Path=/');
      return new Response('ok', { headers });
    });
    try {
      const answer = await rawRequest(server.url, { method: 'GET' });
      expect(answer?.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    } finally {
      await server.close();
    }
  });
});
