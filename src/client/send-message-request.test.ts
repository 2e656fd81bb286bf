/**
 * What sendMessage puts on the wire and how it reads any answer: a small server records each
 * request and answers as the test says (a BFF, a proxy's page, an error without our body). The
 * whole path through the real BFF to the mock is in send-message.test.ts.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RETRYABLE_SEND_CODES, sendMessage } from './send-message.js';

interface Seen {
  url: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}
type Answer = { status: number; headers?: Record<string, string>; body: string };

let server: Server;
let origin: string;
let seen: Seen[] = [];
let answer: Answer = { status: 200, body: '' };
const json = (status: number, body: unknown, headers: Record<string, string> = {}): Answer => ({
  status,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const SENT = { conversationId: 'conv1', messageId: 'm1', type: 'SMS' };

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (text += chunk));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body: JSON.parse(text) as Record<string, unknown> });
      res.writeHead(answer.status, answer.headers).end(answer.body);
    });
  });
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());
afterEach(() => {
  seen = [];
  vi.restoreAllMocks();
});

describe('the request', () => {
  it('the fields given and no others; handles as they are, files by their handle', async () => {
    answer = json(200, SENT);
    await sendMessage({ endpoint: `${origin}/api/attachments`, conversationId: 'conv1', message: 'hi' });
    expect(seen[0]!.body).toEqual({ conversationId: 'conv1', message: 'hi' });
    const file = { name: 'a.png', url: 'https://x/a.png', mimeType: 'image/png', size: 1, kind: 'image' as const, handle: 'h-file' };
    await sendMessage({
      endpoint: `${origin}/api/attachments`,
      conversationId: 'conv1',
      type: 'Email',
      subject: 'Re: quote',
      html: '<p>hi</p>',
      attachments: ['h-given', file],
    });
    expect(seen[1]!.body).toEqual({ conversationId: 'conv1', type: 'Email', subject: 'Re: quote', html: '<p>hi</p>', attachments: ['h-given', 'h-file'] });
  });

  it('to {endpoint}/messages, however many slashes end the endpoint', async () => {
    answer = json(200, SENT);
    await sendMessage({ endpoint: `${origin}/api/attachments//`, conversationId: 'conv1', message: 'hi' });
    await sendMessage({ endpoint: `${origin}/api/attachments`, conversationId: 'conv1', message: 'hi' });
    expect(seen.map((request) => request.url)).toEqual(['/api/attachments/messages', '/api/attachments/messages']);
  });

  it('asks for JSON, says it is ours, and carries the host’s headers, given as they are or by a function', async () => {
    answer = json(200, SENT);
    await sendMessage({ endpoint: origin, conversationId: 'conv1', message: 'hi', headers: { 'X-Host-Auth': 'plain' } });
    await sendMessage({ endpoint: origin, conversationId: 'conv1', message: 'hi', headers: async () => ({ 'X-Host-Auth': 'fresh' }) });
    expect(seen.map((request) => request.headers['x-host-auth'])).toEqual(['plain', 'fresh']);
    expect(seen[0]!.headers).toMatchObject({ accept: 'application/json', 'content-type': 'application/json', 'x-requested-with': 'ghl-attachments' });
  });

  it('sends the browser’s cookies to another origin only with withCredentials', async () => {
    answer = json(200, SENT);
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    await sendMessage({ endpoint: origin, conversationId: 'conv1', message: 'hi' });
    await sendMessage({ endpoint: origin, conversationId: 'conv1', message: 'hi', withCredentials: true });
    expect(fetchSpy.mock.calls.map(([, init]) => init?.credentials)).toEqual(['same-origin', 'include']);
  });
});

describe('the answer', () => {
  it('a success without HighLevel’s ids is no success; an error status is an error, whatever its body', async () => {
    answer = { status: 200, headers: { 'Content-Type': 'text/html' }, body: '<p>ok</p>' };
    await expect(sendMessage({ endpoint: origin, conversationId: 'conv1', message: 'hi' })).rejects.toMatchObject({ code: 'internal' });
    answer = json(200, {});
    await expect(sendMessage({ endpoint: origin, conversationId: 'conv1', message: 'hi' })).rejects.toMatchObject({ code: 'internal' });
    answer = json(502, SENT);
    await expect(sendMessage({ endpoint: origin, conversationId: 'conv1', message: 'hi' })).rejects.toMatchObject({ code: 'highlevel-unavailable' });
  });

  it('the server’s words, else the default words for its code; its retryAfter before the header’s', async () => {
    answer = json(429, { error: { code: 'rate-limited', message: 'Slow down, 7 s.', retryAfter: 7 } }, { 'Retry-After': '3' });
    await expect(sendMessage({ endpoint: origin, conversationId: 'conv1', message: 'hi' })).rejects.toMatchObject({
      code: 'rate-limited',
      message: 'Slow down, 7 s.',
      retryAfter: 7,
    });
    answer = json(409, { error: { code: 'send-in-progress' } }, { 'Retry-After': '2' });
    const error = await sendMessage({ endpoint: origin, conversationId: 'conv1', message: 'hi' }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'send-in-progress', retryAfter: 2 });
    expect((error as Error).message).not.toBe('');
    expect((error as Error).message).not.toContain('undefined');
  });

  it('without our body, the status names the code and a positive Retry-After is kept; zero or words are not', async () => {
    const retryOf = async (header: string) => {
      answer = json(503, {}, { 'Retry-After': header });
      const error = await sendMessage({ endpoint: origin, conversationId: 'conv1', message: 'hi' }).catch((thrown: unknown) => thrown);
      expect(error).toMatchObject({ code: 'server-busy' });
      return (error as { retryAfter?: number }).retryAfter;
    };
    expect(await retryOf('5')).toBe(5);
    expect(await retryOf('0')).toBeUndefined();
    expect(await retryOf('-2')).toBeUndefined();
    expect(await retryOf('soon')).toBeUndefined();
  });

  it('no answer at all: network, or cancelled when the caller aborted; the fetch error is the cause', async () => {
    const unreachable = await sendMessage({ endpoint: 'http://127.0.0.1:9', conversationId: 'conv1', message: 'hi' }).catch((thrown: unknown) => thrown);
    expect(unreachable).toMatchObject({ code: 'network' });
    expect((unreachable as Error).cause).toBeInstanceOf(Error);
    const aborted = new AbortController();
    aborted.abort();
    const cancelled = await sendMessage({ endpoint: origin, conversationId: 'conv1', message: 'hi', signal: aborted.signal }).catch((thrown: unknown) => thrown);
    expect(cancelled).toMatchObject({ code: 'cancelled' });
    expect((cancelled as Error).cause).toBe(aborted.signal.reason);
  });
});

describe('RETRYABLE_SEND_CODES', () => {
  it('holds the codes of a send that may go through if tried again with its key, and none that would fail the same way', () => {
    for (const code of ['network', 'server-busy', 'rate-limited', 'store-unavailable', 'send-in-progress', 'highlevel-unavailable', 'highlevel-timeout', 'request-timeout']) {
      expect(RETRYABLE_SEND_CODES.has(code), code).toBe(true);
    }
    for (const code of ['message-empty', 'attachment-not-signed', 'conversation-not-found', 'forbidden-origin', 'unauthorized', 'cancelled', 'internal', '']) {
      expect(RETRYABLE_SEND_CODES.has(code), code).toBe(false);
    }
  });
});
