/**
 * The store's path for a photo that must be made to fit, with the shrinker and the upload
 * client replaced (the shrinker itself runs only in a browser: shrink-image.browser.test.ts and
 * upload-store-shrink.browser.test.ts try it on real photos in Chromium). Also the store's
 * answers to a network that is down or busy: uploads offline, the automatic retry after a wait.
 */
import { QueryClient, onlineManager } from '@tanstack/query-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { uploadError } from '../shared/upload-error.js';
import type { UploadedFile } from '../shared/wire.js';
import type * as ShrinkModule from './shrink-image.js';
import { shrinkImage } from './shrink-image.js';
import type * as UploadFileModule from './upload-file.js';
import { uploadFile, type UploadFileOptions } from './upload-file.js';
import { UploadStore, type UploadStoreConfig } from './upload-store.js';

vi.mock('./upload-file.js', async (importOriginal) => ({ ...(await importOriginal<typeof UploadFileModule>()), uploadFile: vi.fn() }));
vi.mock('./shrink-image.js', async (importOriginal) => ({ ...(await importOriginal<typeof ShrinkModule>()), shrinkImage: vi.fn() }));
const upload = vi.mocked(uploadFile);
const shrink = vi.mocked(shrinkImage);

const stored = (name: string): UploadedFile => ({ name, url: `https://storage.example/${name}`, mimeType: 'image/jpeg', size: 1, kind: 'image' });
const photo = (name: string, bytes: number) => new File(['x'.repeat(bytes)], name, { type: name.endsWith('.png') ? 'image/png' : 'image/jpeg' });
function storeOf(extra: Partial<UploadStoreConfig> = {}) {
  const config: UploadStoreConfig = { queryClient: new QueryClient(), conversationId: 'c1', concurrency: 1, stallTimeoutMs: 30_000, ...extra };
  return new UploadStore(() => config);
}
const only = (store: UploadStore) => store.getSnapshot().items[0];
/** Statuses the row has been through, each once, in order. */
function statusesOf(store: UploadStore) {
  const seen: string[] = [];
  store.subscribe(() => {
    const status = only(store)?.status;
    if (status && seen.at(-1) !== status) seen.push(status);
  });
  return seen;
}

beforeEach(() => {
  upload.mockReset();
  shrink.mockReset();
  upload.mockImplementation(async (options: UploadFileOptions) => stored(options.file.name));
});

describe('a photo over the limit', () => {
  beforeEach(() => {
    // What canShrink() looks for: a browser that decodes images.
    vi.stubGlobal('createImageBitmap', () => undefined);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('is shown shrinking, then uploading, and its row says what was sent: the smaller size, and the new name of a PNG sent as JPEG', async () => {
    shrink.mockImplementation(async () => ({ file: photo('scan.jpg', 40), shrunk: true }));
    const store = storeOf({ shrink: { maxBytes: 50 } });
    const statuses = statusesOf(store);
    store.add([photo('scan.png', 200)]);
    await vi.waitFor(() => expect(only(store)?.status).toBe('done'));
    expect(statuses).toEqual(['queued', 'shrinking', 'uploading', 'done']);
    expect(only(store)).toMatchObject({ name: 'scan.png', size: 40, shrunkFrom: 200, sentAs: 'scan.jpg' });
    expect(shrink.mock.calls[0]![1]).toMatchObject({ maxBytes: 50, signal: expect.any(AbortSignal) });
    expect(upload.mock.calls[0]![0].file.name).toBe('scan.jpg');
  });

  it('keeps its name when the smaller file has it, and its size when the shrinker had nothing to do', async () => {
    shrink.mockImplementationOnce(async () => ({ file: photo('a.jpg', 40), shrunk: true }));
    const store = storeOf({ shrink: { maxBytes: 50 }, concurrency: 2 });
    store.add([photo('a.jpg', 200)]);
    await vi.waitFor(() => expect(only(store)?.status).toBe('done'));
    expect(only(store)).toMatchObject({ size: 40, shrunkFrom: 200 });
    expect(only(store)).not.toHaveProperty('sentAs');
    shrink.mockImplementationOnce(async (file) => ({ file, shrunk: false }));
    const unchanged = storeOf({ shrink: { maxBytes: 50, maxDimension: 1000 } });
    unchanged.add([photo('b.jpg', 30)]);
    await vi.waitFor(() => expect(only(unchanged)?.status).toBe('done'));
    expect(only(unchanged)).toMatchObject({ size: 30 });
    expect(only(unchanged)).not.toHaveProperty('shrunkFrom');
  });

  it('is sent as it is when it fits and no longest side is set; a longest side alone sends it through the shrinker', async () => {
    shrink.mockImplementation(async () => ({ file: photo('small.jpg', 10), shrunk: true }));
    const fits = storeOf({ shrink: { maxBytes: 50 } });
    fits.add([photo('exact.jpg', 50)]);
    await vi.waitFor(() => expect(only(fits)?.status).toBe('done'));
    expect(shrink).not.toHaveBeenCalled();
    const sided = storeOf({ shrink: { maxBytes: 50, maxDimension: 800 } });
    sided.add([photo('small.jpg', 20)]);
    await vi.waitFor(() => expect(only(sided)?.status).toBe('done'));
    expect(shrink).toHaveBeenCalledTimes(1);
    expect(shrink.mock.calls[0]![1]).toMatchObject({ maxDimension: 800 });
  });

  it('is not shrunk where the page did not ask for it (no shrink settings)', async () => {
    const store = storeOf();
    store.add([photo('big.jpg', 200)]);
    await vi.waitFor(() => expect(only(store)?.status).toBe('done'));
    expect(shrink).not.toHaveBeenCalled();
  });

  it('one that cannot be made to fit is refused as such: its row goes, the host hears of it, nothing is sent', async () => {
    shrink.mockResolvedValue(null);
    const onReject = vi.fn();
    const store = storeOf({ shrink: { maxBytes: 50 }, onReject });
    const original = photo('huge.jpg', 200);
    store.add([original, photo('fits.jpg', 10)]);
    await vi.waitFor(() => expect(store.getSnapshot().rejections).toHaveLength(1));
    await vi.waitFor(() => expect(store.getSnapshot().items.map((item) => [item.name, item.status])).toEqual([['fits.jpg', 'done']]));
    expect(store.getSnapshot().rejections[0]).toMatchObject({ name: 'huge.jpg', size: 200, code: 'image-not-shrinkable', file: original });
    expect(onReject).toHaveBeenCalledWith([store.getSnapshot().rejections[0]]);
    expect(upload.mock.calls.map(([options]) => options.file.name)).toEqual(['fits.jpg']);
  });

  it('without an onReject, one that cannot be made to fit is still refused, and the next file goes', async () => {
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      shrink.mockResolvedValueOnce(null);
      const store = storeOf({ shrink: { maxBytes: 50 } });
      store.add([photo('huge.jpg', 200), photo('fits.jpg', 10)]);
      await vi.waitFor(() => expect(store.getSnapshot().items.map((item) => [item.name, item.status])).toEqual([['fits.jpg', 'done']]));
      expect(store.getSnapshot().rejections.map((rejection) => rejection.code)).toEqual(['image-not-shrinkable']);
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });

  it('only the photo made to fit shows its new size; the file beside it keeps its own', async () => {
    shrink.mockImplementation(async () => ({ file: photo('big.jpg', 40), shrunk: true }));
    const store = storeOf({ shrink: { maxBytes: 50 }, concurrency: 2 });
    store.add([photo('big.jpg', 200), photo('small.jpg', 30)]);
    await vi.waitFor(() => expect(store.getSnapshot().items.map((item) => item.status)).toEqual(['done', 'done']));
    expect(store.getSnapshot().items.map((item) => [item.name, item.size, item.shrunkFrom])).toEqual([
      ['big.jpg', 40, 200],
      ['small.jpg', 30, undefined],
    ]);
  });

  it('a retry sends the photo already made to fit, without shrinking it again', async () => {
    shrink.mockImplementation(async () => ({ file: photo('a.jpg', 40), shrunk: true }));
    upload.mockRejectedValueOnce(uploadError('network'));
    const store = storeOf({ shrink: { maxBytes: 50 } });
    store.add([photo('a.jpg', 200)]);
    await vi.waitFor(() => expect(only(store)?.status).toBe('error'));
    store.retry(only(store)!.id);
    await vi.waitFor(() => expect(only(store)?.status).toBe('done'));
    expect(shrink).toHaveBeenCalledTimes(1);
    expect(upload.mock.calls.map(([options]) => options.file.size)).toEqual([40, 40]);
  });
});

describe('the network', () => {
  afterEach(() => {
    onlineManager.setOnline(true);
    vi.useRealTimers();
  });

  it('offline, an upload is still tried (and fails as the lost connection it is), not paused at 0 %', async () => {
    onlineManager.setOnline(false);
    upload.mockRejectedValue(uploadError('network'));
    const store = storeOf();
    store.add([photo('a.jpg', 10)]);
    await vi.waitFor(() => expect(only(store)).toMatchObject({ status: 'error', error: { code: 'network' } }));
    expect(upload).toHaveBeenCalledTimes(1);
  });

  it('a busy server’s wait is waited out, then the upload goes again by itself', async () => {
    vi.useFakeTimers();
    upload.mockRejectedValueOnce(uploadError('server-busy', { values: { seconds: 2 }, details: { retryAfter: 2 } }));
    const store = storeOf();
    store.add([photo('a.jpg', 10)]);
    await vi.waitFor(() => expect(only(store)).toMatchObject({ status: 'error', retryAt: expect.any(Number) }));
    await vi.advanceTimersByTimeAsync(2_100);
    await vi.waitFor(() => expect(only(store)?.status).toBe('done'));
    expect(upload).toHaveBeenCalledTimes(2);
  });

  it('a done row is full, whatever share the last progress event reported', async () => {
    upload.mockImplementation(async (options) => {
      options.onProgress?.({ loaded: 3, total: 10 });
      await new Promise((resolve) => setTimeout(resolve, 40));
      return stored(options.file.name);
    });
    const store = storeOf();
    store.add([photo('a.jpg', 10)]);
    await vi.waitFor(() => expect(only(store)?.status).toBe('done'));
    expect(only(store)?.progress).toBe(1);
  });
});
