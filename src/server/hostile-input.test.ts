/**
 * Hostile and broken input against the real handler, with the real mock as HighLevel. Every
 * case checks the status and code, how many requests reached HighLevel (none for a refusal),
 * that the token appears nowhere in the answer or the logs, and that the next good upload works.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MockFault } from '../mock-highlevel/index.js';
import { fixture, pngOfSize } from '../testing/fixtures.js';
import { rawRequest, type RawAnswer, type RawRequest } from '../testing/raw-request.js';
import { multipartBody } from '../testing/multipart.js';
import { startStack, type Stack } from '../testing/start-stack.js';

const TOKEN = 'pit-hostile-suite-secret-0123456789';
const BOUNDARY = 'XyZboundary42';
const logs: unknown[] = [];
let allow = true;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    mock: { tokens: [{ token: TOKEN, locationId: 'loc1' }], conversations: ['conv1'], rateLimits: { max: 100_000 } },
    bff: {
      authorize: () => allow,
      // Short enough for the stall cases to be quick, long enough for a loaded machine.
      clientIdleTimeoutMs: 1000,
      // Generous: a busy CI machine must not turn a slow answer into a 504 here. The timeout
      // itself is tested on a stack of its own, below.
      upstreamTimeoutMs: 15_000,
      logger: {
        info: (...line) => logs.push(line),
        warn: (...line) => logs.push(line),
        error: (...line) => logs.push(line),
      },
    },
  });
});
afterAll(() => stack.close());
beforeEach(() => {
  allow = true;
});

const png = () => fixture('sample.png').bytes;
const filePart = (name: string, body: Buffer | Uint8Array | string, field = 'file', type = 'application/octet-stream') => ({
  headers: `Content-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: ${type}`,
  body: Buffer.from(body as Uint8Array),
});
const field = (name: string, value: string) => ({ headers: `Content-Disposition: form-data; name="${name}"`, body: value });
const conv = field('conversationId', 'conv1');

function post(body: Buffer, headers: Record<string, string | number> = {}, extra: Partial<RawRequest> = {}) {
  return rawRequest(stack.endpoint, {
    headers: {
      'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`,
      'Content-Length': body.length,
      'X-Requested-With': 'ghl-attachments',
      ...headers,
    },
    body: [body],
    ...extra,
  });
}
const form = (...parts: { headers: string; body: Buffer | string }[]) => multipartBody(BOUNDARY, parts);

async function expectGoodUploadStillWorks() {
  const answer = await post(form(conv, filePart('after.png', png(), 'file', 'image/png')));
  expect(answer?.status).toBe(200);
}

function expectNoSecret(answer: RawAnswer | undefined) {
  expect(answer?.text ?? '').not.toContain(TOKEN);
  expect(JSON.stringify(answer?.headers ?? {})).not.toContain(TOKEN);
  expect(JSON.stringify(logs)).not.toContain(TOKEN);
}

/** Runs one case: status and code, upstream requests, no secret, next upload fine. */
async function attack(send: () => Promise<RawAnswer | undefined>, status: number, code: string, upstream = 0) {
  const before = { requests: stack.mock.stats.uploadRequests, stored: stack.mock.stats.uploadsStored };
  const answer = await send();
  expect(answer?.status, answer?.text).toBe(status);
  expect(JSON.parse(answer!.text).error.code).toBe(code);
  expect(stack.mock.stats.uploadRequests - before.requests).toBe(upstream);
  expect(stack.mock.stats.uploadsStored - before.stored).toBe(0);
  expectNoSecret(answer);
  await expectGoodUploadStillWorks();
  return answer!;
}

describe('refused before anything reaches HighLevel', () => {
  // The fifth column, where present, is how many requests reach HighLevel: only where bytes were
  // already flowing on when the refusal came (then the request is aborted and nothing stored).
  const cases: [string, () => Promise<RawAnswer | undefined>, number, string, number?][] = [
    ['no X-Requested-With header', () => post(form(conv, filePart('a.png', png())), { 'X-Requested-With': '' }), 403, 'missing-requested-with'],
    ['a wrong X-Requested-With value', () => post(form(conv, filePart('a.png', png())), { 'X-Requested-With': 'XMLHttpRequest' }), 403, 'missing-requested-with'],
    ['a foreign Origin', () => post(form(conv, filePart('a.png', png())), { Origin: 'https://evil.example' }), 403, 'forbidden-origin'],
    ['Origin "null" (sandboxed frame, file://)', () => post(form(conv, filePart('a.png', png())), { Origin: 'null' }), 403, 'forbidden-origin'],
    ['a look-alike Origin', () => post(form(conv, filePart('a.png', png())), { Origin: `${stack.origin}.evil.example` }), 403, 'forbidden-origin'],
    ['cross-site by Sec-Fetch-Site, no Origin', () => post(form(conv, filePart('a.png', png())), { 'Sec-Fetch-Site': 'cross-site' }), 403, 'forbidden-origin'],
    ['PUT', () => post(form(conv, filePart('a.png', png())), {}, { method: 'PUT' }), 405, 'method-not-allowed'],
    ['a JSON body', () => post(Buffer.from('{"conversationId":"conv1"}'), { 'Content-Type': 'application/json' }), 415, 'not-multipart'],
    ['a plain form (urlencoded)', () => post(Buffer.from('conversationId=conv1'), { 'Content-Type': 'application/x-www-form-urlencoded' }), 415, 'not-multipart'],
    ['multipart without a boundary', () => post(form(conv), { 'Content-Type': 'multipart/form-data' }), 415, 'not-multipart'],
    ['multipart that never closes', () => post(multipartBody(BOUNDARY, [conv, filePart('a.png', png())], false)), 400, 'bad-request'],
    ['garbage instead of parts', () => post(Buffer.from('this is not multipart at all\r\n\r\n')), 400, 'bad-request'],
    ['a boundary that is not the body’s', () => post(form(conv, filePart('a.png', png())), { 'Content-Type': 'multipart/form-data; boundary=other' }), 400, 'bad-request'],
    ['no conversationId', () => post(form(filePart('a.png', png()))), 400, 'missing-conversation-id'],
    ['an empty conversationId', () => post(form(field('conversationId', ''), filePart('a.png', png()))), 400, 'missing-conversation-id'],
    ['a conversationId with a path in it', () => post(form(field('conversationId', '../../admin'), filePart('a.png', png()))), 400, 'invalid-conversation-id'],
    ['a conversationId longer than a field may be', () => post(form(field('conversationId', 'a'.repeat(5000)), filePart('a.png', png()))), 400, 'invalid-conversation-id'],
    ['two conversationIds', () => post(form(conv, field('conversationId', 'conv2'), filePart('a.png', png()))), 400, 'bad-request'],
    ['the conversationId after the file', () => post(form(filePart('a.png', png()), conv)), 400, 'missing-conversation-id'],
    ['a locationId from the browser', () => post(form(conv, field('locationId', 'someone-elses'), filePart('a.png', png()))), 400, 'bad-request'],
    ['attachmentUrls from the browser', () => post(form(conv, field('attachmentUrls', 'https://evil.example/x'), filePart('a.png', png()))), 400, 'bad-request'],
    ['no file at all', () => post(form(conv)), 400, 'no-files'],
    ['a file under HighLevel’s own field name', () => post(form(conv, filePart('a.png', png(), 'fileAttachment'))), 400, 'bad-request'],
    ['an .exe', () => post(form(conv, filePart('setup.exe', 'MZ\x90\x00'))), 415, 'file-type-not-allowed'],
    ['a name without extension', () => post(form(conv, filePart('README', 'hello'))), 415, 'file-type-not-allowed'],
    ['a double extension ending in .exe', () => post(form(conv, filePart('photo.png.exe', png()))), 415, 'file-type-not-allowed'],
    ['an .exe dressed as .png', () => post(form(conv, filePart('photo.png', Buffer.concat([Buffer.from('MZ\x90\x00\x03'), Buffer.alloc(400)]), 'file', 'image/png'))), 415, 'file-content-mismatch'],
    ['a PDF named .jpg', () => post(form(conv, filePart('photo.jpg', fixture('sample.pdf').bytes, 'file', 'image/jpeg'))), 415, 'file-content-mismatch'],
    ['a PNG named .txt', () => post(form(conv, filePart('notes.txt', png()))), 415, 'file-content-mismatch'],
    ['binary bytes named .txt', () => post(form(conv, filePart('notes.txt', Buffer.from([0x68, 0x69, 0x00, 0x01, 0x02, 0xff])))), 415, 'file-content-mismatch'],
    ['binary bytes behind a UTF-16 byte-order mark, named .txt', () => post(form(conv, filePart('notes.txt', Buffer.from([0xff, 0xfe, 0x68, 0x00, 0x01, 0x00, 0x02, 0x00])))), 415, 'file-content-mismatch'],
    ['a NUL in otherwise Windows-1252 text', () => post(form(conv, filePart('notes.txt', Buffer.concat([fixture('text-windows-1252.txt').bytes, Buffer.from([0])])))), 415, 'file-content-mismatch'],
    ['HTML named .pdf', () => post(form(conv, filePart('invoice.pdf', '<html><script>alert(1)</script></html>'))), 415, 'file-content-mismatch'],
    ['a ZIP named .docx that is text', () => post(form(conv, filePart('letter.docx', 'just text'))), 415, 'file-content-mismatch'],
    ['an empty file', () => post(form(conv, filePart('empty.pdf', ''))), 400, 'file-empty'],
    ['a name climbing out of its folder', () => post(form(conv, filePart('../../etc/passwd.png', png()))), 400, 'invalid-file-name'],
    ['a Windows path as name', () => post(form(conv, filePart('C:\\\\Users\\\\a.png', png()))), 400, 'invalid-file-name'],
    ['a control character in the name (a malformed header)', () => post(form(conv, filePart('a\x07b.png', png()))), 400, 'bad-request'],
    ['a 300-character name', () => post(form(conv, filePart(`${'n'.repeat(296)}.png`, png()))), 400, 'invalid-file-name'],
    ['an empty name', () => post(form(conv, filePart('', png()))), 400, 'invalid-file-name'],
    ['a file one byte over 5 MB', () => post(form(conv, filePart('big.png', pngOfSize(5_242_881)))), 413, 'file-too-large'],
    // Announced far past 5 files × 5 MB, then silence: refused from the length alone, before the
    // 1 s stall timeout could answer 408.
    ['a Content-Length beyond any allowed upload', () => post(form(conv), { 'Content-Length': 40 * 1024 * 1024 }, { end: 'stall' }), 413, 'file-too-large'],
    ['six files (HighLevel takes five)', () => post(form(conv, ...Array.from({ length: 6 }, (_, i) => filePart(`f${i}.png`, png())))), 400, 'too-many-files'],
    ['a second file over 5 MB after a good one', () => post(form(conv, filePart('small.png', png()), filePart('big.png', pngOfSize(5_242_881)))), 413, 'file-too-large', 1],
    ['a file over 5 MB in a chunked request', () => rawRequest(stack.endpoint, { headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, 'X-Requested-With': 'ghl-attachments', 'Transfer-Encoding': 'chunked' }, body: [form(conv, filePart('big.png', pngOfSize(5_242_881)))] }), 413, 'file-too-large'],
    ['a user the host app refuses', () => { allow = false; return post(form(conv, filePart('a.png', png()))).finally(() => (allow = true)); }, 401, 'unauthorized'],
    ['a client that stalls before its file', () => { const body = form(conv, filePart('slow.png', pngOfSize(200_000))); return post(body.subarray(0, 60), { 'Content-Length': body.length }, { end: 'stall' }); }, 408, 'request-timeout'],
    ['a client that stalls mid-file', () => { const body = form(conv, filePart('slow.png', pngOfSize(200_000))); return post(body.subarray(0, 50_000), { 'Content-Length': body.length }, { end: 'stall' }); }, 408, 'request-timeout', 1],
    // Nothing a client sends may stop the process, or use the token without a decision.
    ['TRACE (the Request constructor throws on it)', () => post(form(conv, filePart('a.png', png())), {}, { method: 'TRACE' }), 405, 'method-not-allowed'],
    ['DELETE', () => post(form(conv, filePart('a.png', png())), {}, { method: 'DELETE' }), 405, 'method-not-allowed'],
    ['a Host that is not a host', () => post(form(conv, filePart('a.png', png())), { Host: 'a b' }), 400, 'bad-request'],
    ['a Host with a path in it', () => post(form(conv, filePart('a.png', png())), { Host: 'evil.example/x?' }), 400, 'bad-request'],
    ['a preflight from an origin not allowed', () => rawRequest(stack.endpoint, { method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'x-requested-with' } }), 403, 'forbidden-origin'],
    ['a preview by bare URL, without a signed link', () => rawRequest(`${stack.endpoint}?url=${encodeURIComponent(`${stack.mock.url}/files/d/0123456789abcdef0123456789abcdef`)}`, { method: 'GET' }), 403, 'preview-link-invalid'],
    ['a bidi override in the name (invoice\u202Efdp.zip reads as invoicepiz.pdf)', () => post(form(conv, filePart('invoice\u202Efdp.zip', fixture('sample.zip').bytes))), 400, 'invalid-file-name'],
    ['a zero-width space in the name', () => post(form(conv, filePart('in\u200Bvoice.png', png()))), 400, 'invalid-file-name'],
    ['tag characters in the name (invisible, a message hidden in it)', () => post(form(conv, filePart('photo\u{E0068}\u{E0069}.png', png()))), 400, 'invalid-file-name'],
    ['a Braille blank as the name (looks like a space, is not whitespace)', () => post(form(conv, filePart('\u2800\u2800.png', png()))), 400, 'invalid-file-name'],
    ['a zero-width joiner between Latin letters (pay\u200Dpal.png reads as paypal.png)', () => post(form(conv, filePart('pay\u200Dpal.png', png()))), 400, 'invalid-file-name'],
    // Found by the fuzz test: each of these used to stop the process or answer 500.
    ['a refused file followed by a large one (curl -F a.exe -F b.txt): the unread part must not crash the server', () => post(form(conv, filePart('a.exe', 'MZ'), filePart('b.txt', 'a'.repeat(200_000)))), 415, 'file-type-not-allowed'],
    ['a refused file followed by one that never ends', () => { const body = form(conv, filePart('a.exe', 'MZ'), filePart('b.txt', 'a'.repeat(50_000))); return post(body.subarray(0, body.length - 100), { 'Content-Length': body.length }, { end: 'stall' }); }, 415, 'file-type-not-allowed'],
    ['an empty boundary parameter', () => post(Buffer.from(''), { 'Content-Type': 'multipart/form-data; boundary=' }), 400, 'bad-request'],
    ['a boundary parameter busboy cannot find', () => post(Buffer.from('x'), { 'Content-Type': 'multipart/form-data; a="boundary=x"' }), 400, 'bad-request'],
    // Under 1,024 bytes a second over a whole window, though never silent for a full second:
    // an idle timer reset by each byte would hold this connection for ever.
    ['a slow drip under the minimum rate', () => { const body = form(conv, filePart('drip.png', pngOfSize(100_000))); return post(body.subarray(0, 3000), { 'Content-Length': body.length }, { body: [body.subarray(0, 3000), ...Array.from({ length: 40 }, (_, i) => [100, body.subarray(3000 + i, 3001 + i)]).flat()], end: 'stall' }); }, 408, 'request-timeout'],
  ];

  it(`has at least 30 cases (${cases.length})`, () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it.each(cases)('%s', async (_, send, status, code, upstream = 0) => {
    await attack(send, status, code, upstream);
  });
});

describe('hostile sends (POST {route}/messages), refused before HighLevel hears of them', () => {
  const json = (body: unknown) => Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  function sendRaw(body: Buffer, headers: Record<string, string | number> = {}, extra: Partial<RawRequest> = {}) {
    const all: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Content-Length': body.length,
      'X-Requested-With': 'ghl-attachments',
      'Idempotency-Key': `hostile-${Math.random().toString(36).slice(2)}`,
      ...headers,
    };
    // An empty value leaves the header out.
    return rawRequest(`${stack.endpoint}/messages`, {
      headers: Object.fromEntries(Object.entries(all).filter(([, value]) => value !== '')),
      body: [body],
      ...extra,
    });
  }
  const hello = { conversationId: 'conv1', message: 'hello' };
  const cases: [string, () => Promise<RawAnswer | undefined>, number, string][] = [
    ['a body declared past 64 KB', () => sendRaw(json(hello), { 'Content-Length': 10_000_000 }, { end: 'stall' }), 413, 'message-too-large'],
    ['a chunked body past 64 KB', () => sendRaw(json({ ...hello, message: 'x'.repeat(100_000) }), { 'Content-Length': '', 'Transfer-Encoding': 'chunked' }), 413, 'message-too-large'],
    ['a body that never comes', () => sendRaw(json(hello).subarray(0, 10), { 'Content-Length': json(hello).length }, { end: 'stall' }), 408, 'request-timeout'],
    ['10,000 nested arrays', () => sendRaw(json(`${'['.repeat(10_000)}${']'.repeat(10_000)}`)), 400, 'bad-request'],
    ['a __proto__ key', () => sendRaw(json('{"conversationId":"conv1","message":"x","__proto__":{"admin":true}}')), 400, 'bad-request'],
    ['a contactId of the browser’s (to message someone else)', () => sendRaw(json({ ...hello, contactId: 'victim' })), 400, 'bad-request'],
    ['a locationId of the browser’s', () => sendRaw(json({ ...hello, locationId: 'loc2' })), 400, 'bad-request'],
    ['a raw HighLevel URL as an attachment', () => sendRaw(json({ ...hello, attachments: [`${stack.mock.url}/conversations-assets/location/loc1/x.png`] })), 403, 'attachment-not-signed'],
    ['a thousand attachments', () => sendRaw(json({ ...hello, attachments: Array(1000).fill('a.b') })), 400, 'too-many-attachments'],
    ['a key with spaces in it', () => sendRaw(json(hello), { 'Idempotency-Key': 'not a key at all' }), 400, 'idempotency-key-required'],
    ['a key of 300 characters', () => sendRaw(json(hello), { 'Idempotency-Key': 'k'.repeat(300) }), 400, 'idempotency-key-required'],
    ['no widget header (a form of another site)', () => sendRaw(json(hello), { 'X-Requested-With': '' }), 403, 'missing-requested-with'],
    ['a form post as text/plain (what a foreign page may send without a preflight)', () => sendRaw(json(hello), { 'Content-Type': 'text/plain' }), 400, 'bad-request'],
    ['a page of another origin', () => sendRaw(json(hello), { Origin: 'https://evil.example' }), 403, 'forbidden-origin'],
  ];

  it.each(cases)('%s', async (_, send, status, code) => {
    const before = stack.mock.stats.conversationRequests;
    await attack(send, status, code);
    expect(stack.mock.stats.conversationRequests).toBe(before);
  });

  it('authorize refusing: 401, and HighLevel hears nothing', async () => {
    allow = false;
    const before = stack.mock.stats.conversationRequests;
    const answer = await sendRaw(json(hello));
    expect([answer?.status, JSON.parse(answer!.text).error.code]).toEqual([401, 'unauthorized']);
    expect(stack.mock.stats.conversationRequests).toBe(before);
  });

  it('a good send after all of them: 200, and the token appears nowhere', async () => {
    const answer = await sendRaw(json(hello));
    expect(answer?.status, answer?.text).toBe(200);
    expectNoSecret(answer);
  });
});

describe('a client that goes away', () => {
  it('mid-upload: HighLevel’s request is aborted, nothing is stored, the server carries on', async () => {
    const before = { stored: stack.mock.stats.uploadsStored, files: stack.mock.files.size };
    const body = form(conv, filePart('gone.png', pngOfSize(3_000_000)));
    const answer = await post(body.subarray(0, 1_500_000), { 'Content-Length': body.length }, { body: [body.subarray(0, 1_500_000), 100], end: 'drop' });
    expect(answer).toBeUndefined();
    await new Promise((wait) => setTimeout(wait, 200));
    expect(stack.mock.stats.uploadsStored).toBe(before.stored);
    expect(stack.mock.files.size).toBe(before.files);
    expect(JSON.stringify(logs)).not.toContain(TOKEN);
    await expectGoodUploadStillWorks();
  });
});

describe('every way HighLevel can fail, translated', () => {
  const faults: [string, MockFault, number, string][] = [
    ['400', { kind: 'answer', status: 400, body: { statusCode: 400, message: 'Bad Request' } }, 502, 'highlevel-rejected'],
    ['401', { kind: 'answer', status: 401, body: { statusCode: 401, message: 'Invalid token: access token is invalid', error: 'Unauthorized' } }, 502, 'highlevel-auth'],
    ['403', { kind: 'answer', status: 403, body: { statusCode: 403, message: 'The token does not have access to this location.' } }, 502, 'highlevel-auth'],
    ['413 (status, not statusCode)', { kind: 'answer', status: 413, body: { status: 413, message: 'Failed to upload the files' } }, 413, 'file-too-large'],
    ['415', { kind: 'answer', status: 415, body: { status: 415, message: 'Failed to upload the files' } }, 415, 'file-type-not-allowed'],
    ['422', { kind: 'answer', status: 422, body: { statusCode: 422, message: ['locationId should not be empty'], error: 'Unprocessable Entity' } }, 502, 'highlevel-rejected'],
    ['500 for an unknown conversation', { kind: 'answer', status: 500, body: { statusCode: 500, message: 'Conversation with id conv1 not found' } }, 404, 'conversation-not-found'],
    ['500', { kind: 'answer', status: 500, body: { statusCode: 500, message: 'Internal server error' } }, 502, 'highlevel-unavailable'],
    ['503 with an HTML page', { kind: 'answer', status: 503, body: '<html>down</html>' }, 502, 'highlevel-unavailable'],
    ['an answer that echoes the token', { kind: 'answer', status: 400, body: { message: `bad token ${TOKEN}` } }, 502, 'highlevel-rejected'],
    ['200 without a URL for the file', { kind: 'answer', status: 200, body: { uploadedFiles: {} } }, 502, 'highlevel-rejected'],
    ['200 with a javascript: URL', { kind: 'answer', status: 200, body: { uploadedFiles: { 'a.png': 'javascript:alert(1)' } } }, 502, 'highlevel-rejected'],
    ['a redirect', { kind: 'redirect', location: 'http://127.0.0.1:9/elsewhere' }, 502, 'highlevel-unavailable'],
    ['a reset connection', { kind: 'reset' }, 502, 'highlevel-unavailable'],
  ];

  it.each(faults)('%s', async (_, fault, status, code) => {
    stack.mock.failNext(fault);
    await attack(() => post(form(conv, filePart('a.png', png(), 'file', 'image/png'))), status, code, 1);
  });

  it('no answer at all: highlevel-timeout (504) once the answer is overdue', async () => {
    const slow = await startStack({ mock: { tokens: [{ token: TOKEN, locationId: 'loc1' }] }, bff: { upstreamTimeoutMs: 300 } });
    try {
      slow.mock.failNext({ kind: 'hang' });
      const body = form(conv, filePart('a.png', png(), 'file', 'image/png'));
      const answer = await rawRequest(slow.endpoint, {
        headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, 'Content-Length': body.length, 'X-Requested-With': 'ghl-attachments' },
        body: [body],
      });
      expect(answer?.status).toBe(504);
      expect(JSON.parse(answer!.text).error.code).toBe('highlevel-timeout');
      expect(slow.mock.stats.uploadsStored).toBe(0);
      expectNoSecret(answer);
    } finally {
      await slow.close();
    }
  });

  it('429: rate-limited, with a bounded Retry-After passed on', async () => {
    stack.mock.failNext({ kind: 'answer', status: 429, body: { statusCode: 429 }, headers: { 'Retry-After': '7' } });
    const seven = await attack(() => post(form(conv, filePart('a.png', png()))), 429, 'rate-limited', 1);
    expect(JSON.parse(seven.text).error.retryAfter).toBe(7);
    expect(seven.headers['retry-after']).toBe('7');
    stack.mock.failNext({ kind: 'answer', status: 429, body: {}, headers: { 'Retry-After': '86400' } });
    const capped = await attack(() => post(form(conv, filePart('a.png', png()))), 429, 'rate-limited', 1);
    expect(JSON.parse(capped.text).error.retryAfter).toBe(60);
  });
});

describe('what does pass', () => {
  it('every real fixture, sent by hand with a wrong browser MIME type', async () => {
    for (const name of ['sample.jpg', 'sample.jpeg', 'sample.png', 'sample.mp4', 'sample.mpeg', 'sample.zip', 'sample.rar', 'sample.pdf', 'sample.doc', 'sample.docx', 'sample.txt', 'sample.mp3', 'sample.wav']) {
      const answer = await post(form(conv, filePart(name, fixture(name).bytes, 'file', 'application/octet-stream')));
      expect(answer?.status, `${name}: ${answer?.text}`).toBe(200);
    }
  });

  it('text in every encoding people save it in: Windows-1252 (“ANSI”), Latin-1, UTF-16 either way, UTF-8 with a BOM', async () => {
    for (const name of ['text-windows-1252.txt', 'text-latin-1.txt', 'text-utf-16le.txt', 'text-utf-16be.txt', 'text-utf-8-bom.txt']) {
      const bytes = fixture(name).bytes;
      const answer = await post(form(conv, filePart(name, bytes, 'file', 'text/plain')));
      expect(answer?.status, `${name}: ${answer?.text}`).toBe(200);
      const stored = await fetch((JSON.parse(answer!.text) as { files: { url: string }[] }).files[0]!.url);
      expect(new Uint8Array(await stored.arrayBuffer())).toEqual(bytes);
    }
  });

  it('a name with a double quote: stored, and its URL comes back (HighLevel keys its answer by the name it got)', async () => {
    const answer = await post(form(conv, filePart('a\\"b.png', png(), 'file', 'image/png')));
    expect(answer?.status, answer?.text).toBe(200);
    const [file] = JSON.parse(answer!.text).files as { name: string; url: string }[];
    expect(file!.name).toBe('a"b.png');
    expect(new Uint8Array(await (await fetch(file!.url)).arrayBuffer())).toEqual(png());
  });

  it('a file of exactly 5 MB, and a chunked upload', async () => {
    expect((await post(form(conv, filePart('edge.png', pngOfSize(5_242_880)))))?.status).toBe(200);
    const chunked = await rawRequest(stack.endpoint, {
      headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, 'X-Requested-With': 'ghl-attachments', 'Transfer-Encoding': 'chunked' },
      body: [form(conv, filePart('chunked.png', pngOfSize(300_000)))],
    });
    expect(chunked?.status).toBe(200);
  });

  // Where Content-Length cannot prove a file's size, it is read ahead: the limit must hold to the
  // byte there too (exactly 5,242,880 passes, one more is refused).
  it('exactly 5 MB read ahead: in a chunked request, and as the first of two files', async () => {
    const chunkedHeaders = { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, 'X-Requested-With': 'ghl-attachments', 'Transfer-Encoding': 'chunked' };
    const chunked = await rawRequest(stack.endpoint, { headers: chunkedHeaders, body: [form(conv, filePart('edge.png', pngOfSize(5_242_880)))] });
    expect(chunked?.status, chunked?.text).toBe(200);
    expect(JSON.parse(chunked!.text).files[0].size).toBe(5_242_880);
    const two = await post(form(conv, filePart('first.png', pngOfSize(5_242_880)), filePart('second.png', png())));
    expect(two?.status, two?.text).toBe(200);
    expect(JSON.parse(two!.text).files.map((file: { size: number }) => file.size)).toEqual([5_242_880, png().length]);
    const over = await post(form(conv, filePart('first.png', pngOfSize(5_242_881)), filePart('second.png', png())));
    expect(over?.status).toBe(413);
  });
});
