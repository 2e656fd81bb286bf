/**
 * The upload store's photo shrinking, in Chromium (decoding and encoding need a real browser),
 * against a real BFF and mock: a photo over the limit is made to fit, then sent; a retry sends
 * the shrunk photo again without redoing the work; a photo that cannot be made to fit is refused
 * like any file that breaks the rules.
 */
import { QueryClient } from '@tanstack/query-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { commands } from 'vitest/browser';
import { noisyPhoto } from '../testing/photos.js';
import { UploadStore, type UploadStoreConfig } from './upload-store.js';

const photo = (name: string, type: 'image/jpeg' | 'image/png', width = 600, height = 400) => noisyPhoto(name, { type, width, height });

let endpoint: string;
beforeAll(async () => {
  ({ endpoint } = await commands.startUploadStack(location.origin));
});
afterAll(() => commands.stopUploadStacks());

function store(extra: Partial<UploadStoreConfig>) {
  const config: UploadStoreConfig = { queryClient: new QueryClient(), conversationId: 'conv1', endpoint, concurrency: 1, stallTimeoutMs: 30_000, ...extra };
  const uploads = new UploadStore(() => config);
  return uploads;
}
const only = (uploads: UploadStore) => uploads.getSnapshot().items[0]!;

describe('the upload store shrinks photos before sending them', () => {
  it('a photo over the limit: shrinking, then uploading, then stored at its new size', async () => {
    const file = await photo('IMG_1.jpg', 'image/jpeg');
    const maxBytes = Math.floor(file.size / 3);
    const uploads = store({ shrink: { maxBytes } });
    const seen: string[] = [];
    uploads.subscribe(() => {
      const status = only(uploads)?.status;
      if (status && seen.at(-1) !== status) seen.push(status);
    });
    uploads.add([file]);
    expect(only(uploads).status).toBe('shrinking');
    await vi.waitFor(() => expect(only(uploads).status).toBe('done'), { timeout: 15_000 });
    const done = only(uploads);
    // In this order (queued first): processing once every byte is sent, until HighLevel answers.
    const order = ['shrinking', 'uploading', 'processing', 'done'].map((status) => seen.indexOf(status));
    expect(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
    expect(done).toMatchObject({ name: 'IMG_1.jpg', shrunkFrom: file.size });
    expect(done.size).toBeLessThanOrEqual(maxBytes);
    expect(done).not.toHaveProperty('sentAs');
    if (done.status !== 'done') throw new Error('not done');
    expect(done.result.size).toBe(done.size);
  });

  it('an opaque PNG is sent as a JPEG under its new name, the user’s name kept', async () => {
    const file = await photo('scan.png', 'image/png');
    const uploads = store({ shrink: { maxBytes: Math.floor(file.size / 4) } });
    uploads.add([file]);
    await vi.waitFor(() => expect(only(uploads).status).toBe('done'), { timeout: 15_000 });
    expect(only(uploads)).toMatchObject({ name: 'scan.png', sentAs: 'scan.jpg' });
  });

  it('a photo already within the limits is sent as it is', async () => {
    const file = await photo('small.jpg', 'image/jpeg', 40, 30);
    const uploads = store({ shrink: { maxBytes: file.size } });
    uploads.add([file]);
    expect(only(uploads).status).toBe('uploading');
    await vi.waitFor(() => expect(only(uploads).status).toBe('done'), { timeout: 15_000 });
    expect(only(uploads)).toMatchObject({ size: file.size });
    expect(only(uploads)).not.toHaveProperty('shrunkFrom');
  });

  it('a photo that cannot be made small enough is refused, like any file that breaks the rules', async () => {
    const file = await photo('huge.jpg', 'image/jpeg');
    const onReject = vi.fn();
    const uploads = store({ shrink: { maxBytes: 60 }, onReject });
    uploads.add([file]);
    await vi.waitFor(() => expect(uploads.getSnapshot().rejections).toHaveLength(1), { timeout: 15_000 });
    expect(uploads.getSnapshot().items).toEqual([]);
    expect(uploads.getSnapshot().rejections[0]).toMatchObject({ name: 'huge.jpg', code: 'image-not-shrinkable', file });
    expect(onReject).toHaveBeenCalledWith([expect.objectContaining({ code: 'image-not-shrinkable' })]);
  });

  it('only the photo that cannot fit is refused; the others in the list go on, even without an onReject', async () => {
    const huge = await photo('huge2.jpg', 'image/jpeg');
    const notes = new File(['meeting notes\n'], 'notes.txt', { type: 'text/plain' });
    const escaped: unknown[] = [];
    const onUnhandled = (event: PromiseRejectionEvent) => escaped.push(event.reason);
    window.addEventListener('unhandledrejection', onUnhandled);
    try {
      const uploads = store({ shrink: { maxBytes: 60 } });
      uploads.add([huge, notes]);
      await vi.waitFor(() => expect(uploads.getSnapshot().rejections).toHaveLength(1), { timeout: 15_000 });
      await vi.waitFor(() => expect(uploads.getSnapshot().items.map((item) => [item.name, item.status])).toEqual([['notes.txt', 'done']]), { timeout: 15_000 });
      // Nothing went wrong on the way that the page would see as an error.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(escaped).toEqual([]);
    } finally {
      window.removeEventListener('unhandledrejection', onUnhandled);
    }
  });

  it('a photo asked to fit a longest side it already fits is sent as it is, not marked shrunk', async () => {
    const file = await photo('tiny.jpg', 'image/jpeg', 40, 30);
    const uploads = store({ shrink: { maxBytes: file.size * 10, maxDimension: 1000 } });
    uploads.add([file]);
    await vi.waitFor(() => expect(only(uploads).status).toBe('done'), { timeout: 15_000 });
    expect(only(uploads)).toMatchObject({ size: file.size });
    expect(only(uploads)).not.toHaveProperty('shrunkFrom');
  });

  it('a retry sends the photo already shrunk, without shrinking it again', async () => {
    const file = await photo('IMG_2.jpg', 'image/jpeg');
    const uploads = store({ shrink: { maxBytes: Math.floor(file.size / 3) } });
    await commands.failNextUpload(500);
    uploads.add([file]);
    await vi.waitFor(() => expect(only(uploads)).toMatchObject({ status: 'error', error: { code: 'highlevel-unavailable' } }), { timeout: 15_000 });
    const shrunkSize = only(uploads).size;
    uploads.retry(only(uploads).id);
    // Straight to uploading: the shrunk photo is kept.
    expect(only(uploads).status).toBe('uploading');
    await vi.waitFor(() => expect(only(uploads).status).toBe('done'), { timeout: 15_000 });
    expect(only(uploads).size).toBe(shrunkSize);
  });
});
