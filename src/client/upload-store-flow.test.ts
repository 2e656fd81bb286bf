/**
 * The upload store with the real upload client against the real BFF and mock on loopback: the list a host app's UI renders as uploads finish, fail, are
 * removed, cleared, retried by code, kept or dropped by a controlled `value`, and reset.
 */
import { QueryClient } from '@tanstack/query-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { UploadedFile } from '../shared/wire.js';
import { pngOfSize } from '../testing/fixtures.js';
import { startStack } from '../testing/start-stack.js';
import { settled } from '../testing/settled.js';
import type { UploadItem } from './upload-item.js';
import { UploadStore, type UploadStoreConfig } from './upload-store.js';

const stack = await startStack({ mock: { conversations: ['conv1'], rateLimits: { max: 10_000 } } });
afterAll(() => stack.close());
const { endpoint } = stack;
const failNext = async (fault: Parameters<typeof stack.mock.failNext>[0]) => stack.mock.failNext(fault);
const uploadRequests = async () => stack.mock.stats.uploadRequests;
const png = (name: string) => new File([pngOfSize(400) as Uint8Array<ArrayBuffer>], name, { type: 'image/png' });
const exe = (name: string) => new File(['MZ\x90\x00'], name, { type: 'application/octet-stream' });

function store(extra: Partial<UploadStoreConfig> = {}) {
  const config: UploadStoreConfig = { queryClient: new QueryClient(), conversationId: 'conv1', endpoint, concurrency: 2, stallTimeoutMs: 30_000, ...extra };
  return new UploadStore(() => config);
}
const items = (uploads: UploadStore) => uploads.getSnapshot().items;
const byName = (uploads: UploadStore, name: string) => items(uploads).find((item) => item.name === name)!;

describe('the upload store, end to end', () => {
  it('each file ends stored or refused, and the host hears of each once, with its row', async () => {
    const succeeded: [UploadedFile, UploadItem][] = [];
    const failed: [string, UploadItem][] = [];
    const uploads = store({ onUploadSuccess: (file, item) => succeeded.push([file, item]), onUploadError: (error, item) => failed.push([error.code, item]) });
    uploads.add([png('a.png'), exe('b.exe'), png('c.png')]);
    await settled(uploads);
    expect(byName(uploads, 'a.png')).toMatchObject({ status: 'done', progress: 1, result: { name: 'a.png' } });
    expect(byName(uploads, 'b.exe')).toMatchObject({ status: 'error', error: { code: 'file-type-not-allowed' } });
    // A refusal that does not pass by itself has no automatic retry.
    expect(byName(uploads, 'b.exe')).not.toHaveProperty('retryAt');
    expect(succeeded.map(([file, item]) => [file.name, item.status])).toEqual(expect.arrayContaining([['a.png', 'done'], ['c.png', 'done']]));
    expect(succeeded).toHaveLength(2);
    expect(failed).toEqual([['file-type-not-allowed', expect.objectContaining({ name: 'b.exe', status: 'error' })]]);
  });

  it('refused files are listed with their reason; the host hears of them only when there are some', () => {
    const onReject = vi.fn();
    const uploads = store({ onReject });
    uploads.add([], []);
    expect(onReject).not.toHaveBeenCalled();
    const file = exe('x.exe');
    uploads.add([], [{ file, code: 'file-type-not-allowed' }]);
    expect(onReject).toHaveBeenCalledTimes(1);
    expect(uploads.getSnapshot().rejections).toEqual([expect.objectContaining({ name: 'x.exe', code: 'file-type-not-allowed', file })]);
    // A store without callbacks takes refusals too.
    const quiet = new UploadStore(() => ({ queryClient: new QueryClient(), conversationId: 'conv1', endpoint, concurrency: 2, stallTimeoutMs: 30_000 }));
    quiet.add([], [{ file, code: 'file-too-large' }]);
    expect(quiet.getSnapshot().rejections).toHaveLength(1);
  });

  it('remove takes one row off; clearFinished takes done and cancelled ones, not failed ones', async () => {
    const uploads = store();
    uploads.add([png('keep.png'), png('gone.png'), exe('bad.exe')]);
    await settled(uploads);
    // A failure that does not pass by itself stays a failure when "cancelled": nothing to stop.
    uploads.cancel(byName(uploads, 'bad.exe').id);
    expect(byName(uploads, 'bad.exe').status).toBe('error');
    uploads.remove(byName(uploads, 'gone.png').id);
    expect(items(uploads).map((item) => item.name).sort()).toEqual(['bad.exe', 'keep.png']);
    uploads.add([png('late.png')]);
    uploads.cancel(byName(uploads, 'late.png').id);
    await settled(uploads);
    expect(byName(uploads, 'late.png').status).toBe('cancelled');
    uploads.clearFinished();
    expect(items(uploads).map((item) => item.name)).toEqual(['bad.exe']);
    // Ids that are no longer listed are no-ops, not errors.
    expect(() => uploads.cancel('gone')).not.toThrow();
    expect(() => uploads.retry('gone')).not.toThrow();
  });

  it('retryFailed(code) sends again only the uploads that failed with that code', async () => {
    const uploads = store();
    uploads.add([exe('one.exe')]);
    await settled(uploads);
    await failNext({ kind: 'answer', status: 500, body: {} });
    uploads.add([png('two.png')]);
    await settled(uploads);
    expect(byName(uploads, 'two.png')).toMatchObject({ status: 'error', error: { code: 'highlevel-unavailable' } });
    uploads.retryFailed('highlevel-unavailable');
    expect(byName(uploads, 'one.exe').status).toBe('error');
    expect(byName(uploads, 'two.png').status).not.toBe('error');
    await settled(uploads);
    expect(byName(uploads, 'two.png').status).toBe('done');
    // A done upload is not sent again.
    const done = byName(uploads, 'two.png');
    uploads.retry(done.id);
    expect(byName(uploads, 'two.png')).toBe(done);
  });

  it('keepDone keeps the done rows whose URL the host still holds, and only changes the list when one goes', async () => {
    const uploads = store();
    uploads.add([png('x.png'), png('y.png'), exe('z.exe')]);
    await settled(uploads);
    const listener = vi.fn();
    uploads.subscribe(listener);
    const x = byName(uploads, 'x.png');
    const y = byName(uploads, 'y.png');
    uploads.keepDone(new Set([x.status === 'done' ? x.result.url : '', y.status === 'done' ? y.result.url : '']));
    expect(listener).not.toHaveBeenCalled();
    uploads.keepDone(new Set([x.status === 'done' ? x.result.url : '']));
    expect(listener).toHaveBeenCalledTimes(1);
    expect(items(uploads).map((item) => item.name).sort()).toEqual(['x.png', 'z.exe']);
  });

  it('when the widget goes away (abortAll), an upload waiting out a rate limit is not sent again', async () => {
    await failNext({ kind: 'answer', status: 429, body: {}, headers: { 'Retry-After': '1' } });
    const uploads = store();
    uploads.add([png('limited.png')]);
    await vi.waitFor(() => expect(byName(uploads, 'limited.png')).toMatchObject({ status: 'error', retryAt: expect.any(Number) }), { timeout: 10_000 });
    const before = await uploadRequests();
    uploads.abortAll();
    await new Promise((resolve) => setTimeout(resolve, 1800));
    expect(await uploadRequests()).toBe(before);
    expect(byName(uploads, 'limited.png').status).toBe('error');
  });

  it('reset leaves nothing: no row, no refusal, no upload still running', async () => {
    const uploads = store();
    uploads.add([png('r.png')], [{ file: exe('s.exe'), code: 'file-type-not-allowed' }]);
    uploads.reset();
    expect(uploads.getSnapshot()).toEqual({ items: [], rejections: [] });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(uploads.getSnapshot()).toEqual({ items: [], rejections: [] });
  });

  it('a queued upload is cancelled at once; a cancelled one can be retried; a running one cannot be retried', async () => {
    const uploads = store({ concurrency: 1 });
    uploads.add([png('first.png'), png('second.png')]);
    const second = byName(uploads, 'second.png');
    expect(second.status).toBe('queued');
    uploads.cancel(second.id);
    expect(byName(uploads, 'second.png').status).toBe('cancelled');
    const first = byName(uploads, 'first.png');
    uploads.retry(first.id);
    expect(byName(uploads, 'first.png').status).toBe(first.status);
    uploads.retry(second.id);
    await settled(uploads);
    expect(items(uploads).map((item) => item.status)).toEqual(['done', 'done']);
  });
});
