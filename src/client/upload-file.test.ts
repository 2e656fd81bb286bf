import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../shared/error-codes.js';
import { DEFAULT_ERROR_MESSAGES } from '../shared/messages.js';
import { startStack, type Stack } from '../testing/start-stack.js';
import { DEFAULT_ENDPOINT, uploadFile, type UploadProgress } from './upload-file.js';

/**
 * The upload client against the real BFF and mock on loopback, and against the answers a host
 * server or a proxy in front of the BFF can give instead (routes of the same server): what the
 * widget's callers see for each.
 */
let stack: Stack;
/** The headers the last request to `/echo` carried. */
let echoed: IncomingMessage['headers'] = {};
/** Requests that reached `/refused`. */
let refusedHits = 0;

/** A route that answers `status` with `body` (JSON when an object) and `headers`. */
const answer =
  (status: number, body: unknown, headers: Record<string, string> = {}) =>
  (req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    req.on('end', () => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'Content-Type': typeof body === 'string' ? 'text/html' : 'application/json', ...headers }).end(text);
    });
  };

beforeAll(async () => {
  stack = await startStack({
    routes: {
      '/echo': (req, res) => {
        echoed = req.headers;
        answer(200, { files: [{ url: 'https://example.test/f.txt', name: 'f.txt' }] })(req, res);
      },
      '/refused': (req, res) => {
        refusedHits += 1;
        answer(403, { error: { code: 'forbidden-origin', message: 'Not from here.' } })(req, res);
      },
      '/empty': answer(200, {}),
      '/no-files': answer(200, { files: [] }),
      '/null': answer(200, null),
      '/proxy-503': answer(503, '<html>Service Unavailable</html>', { 'Retry-After': '12' }),
      '/proxy-502': answer(502, '<html>Bad Gateway</html>'),
      '/retry-zero': answer(429, '<html>slow down</html>', { 'Retry-After': '0' }),
      '/retry-date': answer(429, '<html>slow down</html>', { 'Retry-After': 'Wed, 21 Oct 2099 07:28:00 GMT' }),
      '/ours-no-message': answer(415, { error: { code: 'file-content-mismatch' } }),
      '/ours-retry-in-body': answer(429, { error: { code: 'rate-limited', message: 'Wait.', retryAfter: 30 } }, { 'Retry-After': '5' }),
      '/not-our-code': answer(400, { error: { code: 'something-new', message: 'From a newer server.' } }),
      '/hang': (req) => req.resume(),
    },
  });
});
afterAll(() => stack.close());

const text = (name = 'notes.txt', body = 'Meeting at 14h, notes attached.\n') => new File([body], name, { type: 'text/plain' });

describe('uploadFile against the BFF', () => {
  it('resolves with the URL HighLevel stored, which serves the same bytes', async () => {
    const file = text();
    const uploaded = await uploadFile({ file, conversationId: 'conv-1', endpoint: stack.endpoint });
    expect(uploaded).toMatchObject({ name: 'notes.txt', mimeType: 'text/plain', size: file.size });
    const served = await fetch(uploaded.url);
    expect(await served.text()).toBe('Meeting at 14h, notes attached.\n');
  });

  it('reports progress that ends with every byte of the request sent', async () => {
    const file = text('big.txt', 'x'.repeat(256 * 1024));
    const seen: UploadProgress[] = [];
    await uploadFile({ file, conversationId: 'conv-1', endpoint: stack.endpoint, onProgress: (progress) => seen.push(progress) });
    expect(seen.length).toBeGreaterThan(0);
    const last = seen.at(-1)!;
    // The request is the multipart form: the file and its envelope, so a bar at `loaded / total`
    // reaches the end exactly when the last byte leaves.
    expect(last.loaded).toBe(last.total);
    expect(last.total).toBeGreaterThan(file.size);
    expect(seen.every((progress, i) => i === 0 || progress.loaded >= seen[i - 1]!.loaded)).toBe(true);
  });

  it('uploads without a progress callback', async () => {
    const file = text('big.txt', 'y'.repeat(256 * 1024));
    await expect(uploadFile({ file, conversationId: 'conv-1', endpoint: stack.endpoint })).resolves.toMatchObject({ name: 'big.txt', size: file.size });
  });

  it('rejects with the BFF’s code and words, naming the file', async () => {
    const file = new File(['#!/bin/sh\necho hi\n'], 'run.sh', { type: 'text/x-sh' });
    const error = await uploadFile({ file, conversationId: 'conv-1', endpoint: stack.endpoint }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ name: 'UploadError', code: 'file-type-not-allowed', fileName: 'run.sh', status: 415 });
    expect((error as Error).message).toMatch(/type/i);
  });

  it('sends the widget’s header, asks for JSON, and keeps the host’s own headers', async () => {
    await uploadFile({ file: text(), conversationId: 'conv-1', endpoint: `${stack.origin}/echo`, headers: { Authorization: 'Bearer host' } });
    expect(echoed['x-requested-with']).toBe('ghl-attachments');
    expect(echoed.accept).toBe('application/json');
    expect(echoed.authorization).toBe('Bearer host');
    expect(echoed['content-type']).toMatch(/^multipart\/form-data; boundary=/);
  });

  it('its default endpoint is /api/attachments, where the README and the examples mount the BFF', () => {
    expect(DEFAULT_ENDPOINT).toBe('/api/attachments');
  });
});

describe('uploadFile, when the answer is not what the BFF sends', () => {
  const fail = (path: string, fileName = 'notes.txt') =>
    uploadFile({ file: text(fileName), conversationId: 'conv-1', endpoint: `${stack.origin}${path}` }).then(
      () => {
        throw new Error(`${path} was taken for a stored file`);
      },
      (thrown: unknown) => thrown as Error & Record<string, unknown>,
    );

  it('an answered refusal is told as it is, with no second request to find out why', async () => {
    const file = new File(['hello'], 'a.txt', { type: 'text/plain' });
    await expect(uploadFile({ file, conversationId: 'conv1', endpoint: `${stack.origin}/refused` })).rejects.toMatchObject({ code: 'forbidden-origin' });
    expect(refusedHits).toBe(1);
  });

  it('a success without a stored file is an internal error, not a file without a URL', async () => {
    for (const path of ['/empty', '/no-files', '/null']) {
      expect(await fail(path, 'a.txt')).toMatchObject({ code: 'internal', fileName: 'a.txt', message: DEFAULT_ERROR_MESSAGES.internal });
    }
  });

  it('a proxy’s error page: the code from the status, the wait from Retry-After, the cause kept', async () => {
    const busy = await fail('/proxy-503');
    expect(busy).toMatchObject({ code: 'server-busy', retryAfter: 12, fileName: 'notes.txt', message: DEFAULT_ERROR_MESSAGES['server-busy'] });
    // The original answer stays reachable for the host's logs.
    expect((busy.cause as { response?: { status?: number } }).response?.status).toBe(503);
    expect(await fail('/proxy-502')).toMatchObject({ code: 'highlevel-unavailable', retryAfter: undefined });
  });

  it('ignores a Retry-After that is not a positive number of seconds', async () => {
    expect(await fail('/retry-zero')).toMatchObject({ code: 'rate-limited', retryAfter: undefined });
    expect(await fail('/retry-date')).toMatchObject({ code: 'rate-limited', retryAfter: undefined });
  });

  it('our body wins: its code, its wait, and the default words when it has none', async () => {
    expect(await fail('/ours-retry-in-body')).toMatchObject({ code: 'rate-limited', retryAfter: 30, message: 'Wait.' });
    expect(await fail('/ours-no-message', 'x.pdf')).toMatchObject({
      code: 'file-content-mismatch',
      fileName: 'x.pdf',
      message: DEFAULT_ERROR_MESSAGES['file-content-mismatch'],
    });
  });

  it('a code this client does not know falls back to the status', async () => {
    const error = await fail('/not-our-code');
    expect(error).toMatchObject({ code: 'bad-request' });
    expect(ERROR_STATUS[error.code as keyof typeof ERROR_STATUS]).toBe(400);
  });

  it('a user’s cancel mid-upload is cancelled, naming the file', async () => {
    const controller = new AbortController();
    const upload = uploadFile({ file: text('slow.txt'), conversationId: 'conv-1', endpoint: `${stack.origin}/hang`, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect(await upload.catch((thrown: unknown) => thrown)).toMatchObject({ code: 'cancelled', fileName: 'slow.txt' });
  });

  it('a server that is not there: network, naming the file', async () => {
    const closed = await startStack();
    const endpoint = closed.endpoint;
    await closed.close();
    const error = await uploadFile({ file: text('gone.txt'), conversationId: 'conv-1', endpoint }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'network', fileName: 'gone.txt' });
  });
});
