import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UploadError } from '../shared/upload-error.js';
import { callHighLevel } from './highlevel-json.js';

// One JSON call to HighLevel, against a real server on loopback that records what it was sent.

interface Heard {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

/** A server that answers every request with `status`, `text` and `headers`, and what it heard. */
async function highLevel(status: number, text: string, headers: Record<string, string> = {}): Promise<{ apiBase: string; heard: Heard[] }> {
  const heard: Heard[] = [];
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      heard.push({ method: req.method, url: req.url, headers: req.headers, body });
      res.writeHead(status, headers).end(text);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { apiBase: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, heard };
}

const quiet = { warn: vi.fn() };
const options = (apiBase: string, more: { fetch?: typeof fetch; upstreamTimeoutMs?: number } = {}) => ({
  highlevel: { apiBase, fetch: more.fetch, upstreamTimeoutMs: more.upstreamTimeoutMs ?? 5000 },
  logger: quiet,
});

async function refusal(promise: Promise<unknown>): Promise<UploadError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof UploadError)) throw new Error(`expected an UploadError, got ${String(error)}`);
  return error;
}

describe('callHighLevel', () => {
  it('a GET carries the token, the API version and Accept, and no body or Content-Type', async () => {
    const { apiBase, heard } = await highLevel(200, '{"conversation":{"id":"c1"}}');
    const answer = await callHighLevel(options(apiBase), 'tok', 'GET', '/conversations/c1');
    expect([answer.status, answer.data, answer.text]).toEqual([200, { conversation: { id: 'c1' } }, '{"conversation":{"id":"c1"}}']);
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({ method: 'GET', url: '/conversations/c1', body: '' });
    expect(heard[0]!.headers).toMatchObject({ authorization: 'Bearer tok', version: '2021-04-15', accept: 'application/json' });
    expect(heard[0]!.headers['content-type']).toBeUndefined();
  });

  it('a POST sends its body as JSON', async () => {
    const { apiBase, heard } = await highLevel(201, '{"messageId":"m1"}');
    const answer = await callHighLevel(options(apiBase), 'tok', 'POST', '/conversations/messages', { type: 'SMS', message: 'hi' });
    expect([answer.status, answer.data]).toEqual([201, { messageId: 'm1' }]);
    expect(heard[0]).toMatchObject({ method: 'POST', body: '{"type":"SMS","message":"hi"}' });
    expect(heard[0]!.headers['content-type']).toBe('application/json');
  });

  it('an answer that is not JSON keeps its text, with no data; a redirect is answered, not followed', async () => {
    const { apiBase, heard } = await highLevel(302, 'Moved', { Location: '/elsewhere' });
    const answer = await callHighLevel(options(apiBase), 'tok', 'GET', '/conversations/c1');
    expect([answer.status, answer.data, answer.text, answer.headers.get('location')]).toEqual([302, undefined, 'Moved', '/elsewhere']);
    expect(heard).toHaveLength(1);
  });

  it('HighLevel unreachable is highlevel-unavailable, logged once with what failed', async () => {
    const { apiBase } = await highLevel(200, '{}');
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    quiet.warn.mockClear();
    const error = await refusal(callHighLevel(options(apiBase), 'tok', 'GET', '/x'));
    expect(error.code).toBe('highlevel-unavailable');
    expect(error.cause).toBeInstanceOf(Error);
    expect(quiet.warn.mock.calls).toEqual([['HighLevel could not be reached', { error: expect.stringContaining('fetch failed') }]]);
  });

  it('HighLevel silent past upstreamTimeoutMs is highlevel-timeout', async () => {
    server = createServer(() => undefined);
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const apiBase = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect((await refusal(callHighLevel(options(apiBase, { upstreamTimeoutMs: 100 }), 'tok', 'GET', '/x'))).code).toBe('highlevel-timeout');
  });

  it('a host’s fetch that rejects with something other than an Error is highlevel-unavailable too', async () => {
    const fetch = () => Promise.reject(null);
    expect((await refusal(callHighLevel(options('http://127.0.0.1:9', { fetch }), 'tok', 'GET', '/x'))).code).toBe('highlevel-unavailable');
  });
});
