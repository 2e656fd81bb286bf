/**
 * A small JSON body, read on its own: its bounds (declared and actual size, the deadline), what
 * is not JSON, a body that fails or is evicted half-way. The bodies are Web streams, as a
 * framework's `Request` carries them.
 */
import { describe, expect, it } from 'vitest';
import { readJsonBody } from './read-json-body.js';

const encoder = new TextEncoder();

/** A request whose body is these chunks, then (unless `open`) its end. */
function requestOf(chunks: (string | Uint8Array)[], { headers = {}, open = false, fail = false }: { headers?: Record<string, string>; open?: boolean; fail?: boolean } = {}): Request {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
      if (fail) controller.error(new Error('connection reset'));
      else if (!open) controller.close();
    },
  });
  return new Request('http://127.0.0.1/api/attachments/messages', { method: 'POST', headers, body, duplex: 'half' } as RequestInit);
}

const read = (request: Request, limits: Partial<Parameters<typeof readJsonBody>[1]> = {}) => readJsonBody(request, { limit: 64, deadlineMs: 2000, ...limits });

describe('a small JSON body', () => {
  it('is read whole, however it is cut into chunks (a character split across two included)', async () => {
    const e = encoder.encode('é');
    expect(await read(requestOf(['{"a":', '[1,2]', ',"b":"', e.subarray(0, 1), e.subarray(1), '"}']))).toEqual({ a: [1, 2], b: 'é' });
  });

  it('takes exactly `limit` bytes, declared or not, and refuses one more with its too-large code', async () => {
    const exact = `"${'x'.repeat(62)}"`;
    expect(exact).toHaveLength(64);
    expect(await read(requestOf([exact]))).toBe('x'.repeat(62));
    expect(await read(requestOf([exact], { headers: { 'content-length': '64' } }))).toBe('x'.repeat(62));
    await expect(read(requestOf([exact.slice(0, 40), `${exact.slice(40)} `]))).rejects.toMatchObject({ code: 'bad-request', status: 400 });
    await expect(read(requestOf([`${exact} `]), { tooLarge: 'message-too-large' })).rejects.toMatchObject({ code: 'message-too-large', status: 413 });
  });

  it('refuses a declared size past the limit before reading, and a length that is not a number as malformed', async () => {
    await expect(read(requestOf(['{}'], { headers: { 'content-length': '65' } }), { tooLarge: 'message-too-large' })).rejects.toMatchObject({ code: 'message-too-large' });
    await expect(read(requestOf(['{}'], { headers: { 'content-length': '65' } }))).rejects.toMatchObject({ code: 'bad-request' });
    for (const length of ['1e3', '-1', '0x10', '+2', '2.0', 'two']) {
      await expect(read(requestOf(['{}'], { headers: { 'content-length': length } }), { tooLarge: 'message-too-large' }), length).rejects.toMatchObject({ code: 'bad-request' });
    }
    expect(await read(requestOf(['{}'], { headers: { 'content-length': '2' } }))).toEqual({});
  });

  it('refuses what is not JSON, and no body at all, as malformed', async () => {
    for (const text of ['', '{', '{"a":1}}', "{'a':1}", 'undefined']) {
      await expect(read(requestOf([text])), text).rejects.toMatchObject({ code: 'bad-request' });
    }
    await expect(read(new Request('http://127.0.0.1/', { method: 'POST' }))).rejects.toMatchObject({ code: 'bad-request' });
  });

  it('a body that has not arrived by the deadline is 408, at the deadline', async () => {
    const started = Date.now();
    await expect(read(requestOf(['{"a":'], { open: true }), { deadlineMs: 300 })).rejects.toMatchObject({ code: 'request-timeout', status: 408 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
  });

  it('a body that fails half-way is cancelled: the client went away', async () => {
    await expect(read(requestOf(['{"a":'], { fail: true }))).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('evicted while the body arrives: 503 server-busy with the time to come back; evicted once it is in: nothing', async () => {
    const evicted = new AbortController();
    const pending = read(requestOf(['{"a":'], { open: true }), { evicted: evicted.signal });
    setTimeout(() => evicted.abort(), 50);
    await expect(pending).rejects.toMatchObject({ code: 'server-busy', status: 503, retryAfter: 5 });
    const late = new AbortController();
    expect(await read(requestOf(['{"a":1}']), { evicted: late.signal })).toEqual({ a: 1 });
    late.abort();
  });
});
