import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pngOfSize } from '../testing/fixtures.js';
import { formOf, type FilePartSpec } from '../testing/multipart.js';
import { startMockHighLevel, type RunningMockHighLevel } from './index.js';

const UPLOAD = '/conversations/messages/upload';
let mock: RunningMockHighLevel;

beforeAll(async () => {
  mock = await startMockHighLevel({
    tokens: [
      { token: 'good', locationId: 'loc1' },
      { token: 'readonly', locationId: 'loc1', scopes: ['conversations.readonly'] },
    ],
    conversations: ['conv1'],
    rateLimits: { max: 1000 },
  });
});
afterAll(() => mock.close());

function post(form: FormData, headers: Record<string, string> = { Authorization: 'Bearer good', Version: '2021-04-15' }) {
  return fetch(mock.url + UPLOAD, { method: 'POST', body: form, headers });
}

function upload(files: FilePartSpec[], fields: [string, string][] = [['locationId', 'loc1'], ['conversationId', 'conv1']]) {
  return post(formOf([...fields, ...files.map((file) => ({ field: 'fileAttachment', ...file }))]));
}

describe('the mock HighLevel upload endpoint', () => {
  it('stores files and serves the same bytes back at the URLs it returns, with their type', async () => {
    const png = pngOfSize(300);
    const response = await upload([
      { name: 'a.png', bytes: png, type: 'image/png' },
      { name: 'notes.txt', bytes: 'hello', type: 'text/plain' },
    ]);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { uploadedFiles: Record<string, string> };
    expect(Object.keys(body.uploadedFiles)).toEqual(['a.png', 'notes.txt']);
    const url = body.uploadedFiles['a.png']!;
    expect(url).toMatch(new RegExp(`^${mock.url}/conversations-assets/location/loc1/conversations/conv1/[0-9a-f-]{36}\\.png$`));
    const served = await fetch(url);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(png);
    const text = await fetch(body.uploadedFiles['notes.txt']!);
    expect(text.headers.get('content-type')).toBe('text/plain');
    expect(await text.text()).toBe('hello');
  });

  it('sends HighLevel’s rate-limit headers on every answer', async () => {
    const ok = await upload([{ name: 'a.png', bytes: pngOfSize(20) }]);
    const refused = await post(formOf([]), {});
    for (const response of [ok, refused]) {
      expect(response.headers.get('x-ratelimit-max')).toBe('1000');
      expect(response.headers.get('x-ratelimit-interval-milliseconds')).toBe('10000');
      expect(response.headers.get('x-ratelimit-limit-daily')).toBe('200000');
      expect(Number(response.headers.get('x-ratelimit-remaining'))).toBeGreaterThanOrEqual(0);
      expect(response.headers.get('x-ratelimit-daily-remaining')).toMatch(/^\d+$/);
    }
  });

  it('keys its answer by file name, so two files of one name collide as in HighLevel', async () => {
    const response = await upload([
      { name: 'same.png', bytes: pngOfSize(20) },
      { name: 'same.png', bytes: pngOfSize(30) },
    ]);
    const body = (await response.json()) as { uploadedFiles: Record<string, string> };
    expect(Object.keys(body.uploadedFiles)).toEqual(['same.png']);
  });

  it('answers 401 without a valid token, and for a token without the scope', async () => {
    const attempts: Record<string, string>[] = [{ Version: '2021-04-15' }, { Authorization: 'Bearer nope', Version: '2021-04-15' }];
    for (const headers of attempts) {
      const response = await post(formOf([['locationId', 'loc1']]), headers);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        statusCode: 401,
        message: 'Invalid token: access token is invalid',
        error: 'Unauthorized',
      });
    }
    const scoped = await post(formOf([['locationId', 'loc1']]), { Authorization: 'Bearer readonly', Version: '2021-04-15' });
    expect(scoped.status).toBe(401);
    expect(((await scoped.json()) as { message: string }).message).toBe('The token is not authorized for this scope.');
  });

  it('answers 400 without the Version header', async () => {
    const response = await post(formOf([['locationId', 'loc1']]), { Authorization: 'Bearer good' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { statusCode: number }).statusCode).toBe(400);
  });

  it('answers 413 with `status`, not `statusCode`, one byte past 5 MB, and stores exactly 5 MB', async () => {
    const over = await upload([{ name: 'big.png', bytes: pngOfSize(5_242_881) }]);
    expect(over.status).toBe(413);
    expect(await over.json()).toEqual({ status: 413, message: 'Failed to upload the files' });
    const edge = await upload([{ name: 'edge.png', bytes: pngOfSize(5_242_880) }]);
    expect(edge.status).toBe(200);
  });

  it('answers 415 for a type HighLevel does not take', async () => {
    const response = await upload([{ name: 'tool.exe', bytes: 'MZ' }]);
    expect(response.status).toBe(415);
    expect(await response.json()).toEqual({ status: 415, message: 'Failed to upload the files' });
  });

  it('answers 422 without a locationId, and 403 for another location', async () => {
    const missing = await upload([{ name: 'a.png', bytes: pngOfSize(10) }], [['conversationId', 'conv1']]);
    expect(missing.status).toBe(422);
    const body = (await missing.json()) as { statusCode: number; message: string[]; error: string; traceId: string };
    expect(body).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity' });
    expect(body.message).toContain('locationId should not be empty');
    expect(body.traceId).toBeTruthy();
    const other = await upload([{ name: 'a.png', bytes: pngOfSize(10) }], [['locationId', 'loc2'], ['conversationId', 'conv1']]);
    expect(other.status).toBe(403);
  });

  it('answers 500 for a conversation it does not know, as HighLevel does', async () => {
    const response = await upload([{ name: 'a.png', bytes: pngOfSize(10) }], [['locationId', 'loc1'], ['conversationId', 'nope']]);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({ statusCode: 500, message: 'Conversation with id nope not found' });
  });

  it('answers 400 with no file, more than 5 files, or a file under another field', async () => {
    expect((await upload([])).status).toBe(400);
    const six = Array.from({ length: 6 }, (_, i) => ({ name: `f${i}.png`, bytes: pngOfSize(10) }));
    expect((await upload(six)).status).toBe(400);
    const wrongField = await post(formOf([['locationId', 'loc1'], ['conversationId', 'conv1'], { field: 'file', name: 'a.png', bytes: pngOfSize(10) }]));
    expect(wrongField.status).toBe(400);
  });

  it('removes the bytes of refused uploads and counts every request', async () => {
    const before = { requests: mock.stats.uploadRequests, files: mock.files.size };
    await upload([{ name: 'a.png', bytes: pngOfSize(10) }, { name: 'b.exe', bytes: 'x' }]);
    expect(mock.stats.uploadRequests).toBe(before.requests + 1);
    expect(mock.files.size).toBe(before.files);
  });
});

describe('the mock’s rate limit', () => {
  it('answers 429 past the limit per interval, with Retry-After', async () => {
    const limited = await startMockHighLevel({ rateLimits: { max: 2, intervalMs: 60_000 } });
    try {
      const send = () =>
        fetch(limited.url + UPLOAD, {
          method: 'POST',
          headers: { Authorization: `Bearer ${limited.token}`, Version: '2021-04-15' },
          body: formOf([['locationId', limited.locationId], ['conversationId', 'c'], { field: 'fileAttachment', name: 'a.png', bytes: pngOfSize(10) }]),
        });
      expect((await send()).status).toBe(200);
      const second = await send();
      expect(second.headers.get('x-ratelimit-remaining')).toBe('0');
      const third = await send();
      expect(third.status).toBe(429);
      expect(Number(third.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
