import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UploadResponseBody } from '../shared/wire.js';
import { pngOfSize } from '../testing/fixtures.js';
import { formOf } from '../testing/multipart.js';
import { startStack, type Stack } from '../testing/start-stack.js';
import { sendMessage } from './send-message.js';

// The send client against the real BFF and mock: what a caller gets back, in our error model.
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    mock: { conversations: ['conv1'], rateLimits: { max: 10_000 } },
    routes: { '/proxy/messages': (req, res) => req.resume().on('end', () => res.writeHead(502, { 'Content-Type': 'text/html' }).end('<h1>Bad Gateway</h1>')) },
  });
});
afterAll(() => stack.close());

async function upload(): Promise<UploadResponseBody['files'][number]> {
  const response = await fetch(stack.endpoint, {
    method: 'POST',
    headers: { 'X-Requested-With': 'ghl-attachments' },
    body: formOf([['conversationId', 'conv1'], { name: 'a.png', bytes: pngOfSize(200), type: 'image/png' }]),
  });
  return ((await response.json()) as UploadResponseBody).files[0]!;
}

describe('sendMessage', () => {
  it('sends the text and the uploaded files (as the upload answered them) and resolves with HighLevel’s ids', async () => {
    const file = await upload();
    const answer = await sendMessage({ endpoint: stack.endpoint, conversationId: 'conv1', message: 'hello', attachments: [file] });
    expect(answer).toMatchObject({ conversationId: 'conv1', type: 'SMS', attachments: [file.url] });
    expect(stack.mock.thread('conv1').at(-1)).toMatchObject({ id: answer.messageId, attachments: [file.url] });
  });

  it('sends once per key: the same key again is answered, not sent', async () => {
    const key = randomUUID();
    const before = stack.mock.stats.messagesSent;
    const first = await sendMessage({ endpoint: stack.endpoint, conversationId: 'conv1', message: 'once', idempotencyKey: key });
    const again = await sendMessage({ endpoint: stack.endpoint, conversationId: 'conv1', message: 'once', idempotencyKey: key });
    expect(again.messageId).toBe(first.messageId);
    expect(stack.mock.stats.messagesSent).toBe(before + 1);
  });

  it('rejects with the server’s code and words, a file without a handle before any request, and a proxy’s page by its status', async () => {
    await expect(sendMessage({ endpoint: stack.endpoint, conversationId: 'conv1' })).rejects.toMatchObject({ code: 'message-empty', status: 400 });
    await expect(
      sendMessage({ endpoint: stack.endpoint, conversationId: 'conv1', attachments: [{ name: 'x.png', url: 'https://x/x.png', mimeType: 'image/png', size: 1, kind: 'image' }] }),
    ).rejects.toMatchObject({ code: 'attachment-not-signed' });
    await expect(sendMessage({ endpoint: `${stack.origin}/proxy`, conversationId: 'conv1', message: 'x' })).rejects.toMatchObject({ code: 'highlevel-unavailable' });
    await expect(sendMessage({ endpoint: `${stack.origin}/nowhere`, conversationId: 'conv1', message: 'x' })).rejects.toMatchObject({ code: 'endpoint-not-found' });
    await expect(sendMessage({ endpoint: 'http://127.0.0.1:9', conversationId: 'conv1', message: 'x' })).rejects.toMatchObject({ code: 'network' });
    const aborted = new AbortController();
    aborted.abort();
    await expect(sendMessage({ endpoint: stack.endpoint, conversationId: 'conv1', message: 'x', signal: aborted.signal })).rejects.toMatchObject({ code: 'cancelled' });
  });
});
