/**
 * The upload store on its own, its upload client replaced so that a test can play the order of
 * events a network produces: progress out of order, a rate limit, a cancel while waiting.
 */
import { QueryClient } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as UploadFileModule from '../client/upload-file.js';
import { uploadFile, type UploadFileOptions } from '../client/upload-file.js';
import { uploadError } from '../shared/upload-error.js';
import { UploadStore } from './upload-store.js';

vi.mock('../client/upload-file.js', async (importOriginal) => ({
  ...(await importOriginal<typeof UploadFileModule>()),
  uploadFile: vi.fn(),
}));
const upload = vi.mocked(uploadFile);

function storeWithOneFile() {
  const store = new UploadStore();
  store.configure({ queryClient: new QueryClient(), conversationId: 'c1', concurrency: 1 });
  store.add([new File(['0123456789'], 'a.png', { type: 'image/png' })]);
  return store;
}
const only = (store: UploadStore) => store.getSnapshot().items[0]!;

beforeEach(() => {
  vi.useFakeTimers();
  upload.mockReset();
});
afterEach(() => vi.useRealTimers());

describe('UploadStore', () => {
  it('progress never goes back, whatever order the browser reports it in', async () => {
    let report: UploadFileOptions['onProgress'];
    upload.mockImplementation((options) => {
      report = options.onProgress;
      return new Promise(() => undefined);
    });
    const store = storeWithOneFile();
    await vi.waitFor(() => expect(report).toBeDefined());
    report!({ loaded: 6, total: 10 });
    report!({ loaded: 3, total: 10 });
    await vi.advanceTimersByTimeAsync(20);
    expect(only(store)).toMatchObject({ status: 'uploading', progress: 0.6 });
    report!({ loaded: 4, total: 10 });
    await vi.advanceTimersByTimeAsync(20);
    expect(only(store).progress).toBe(0.6);
    report!({ loaded: 8, total: 10 });
    await vi.advanceTimersByTimeAsync(20);
    expect(only(store).progress).toBe(0.8);
  });

  it('a cancel while waiting out a rate limit stops the retry: nothing is sent again', async () => {
    upload.mockRejectedValueOnce(uploadError('rate-limited', { seconds: 2 }, { retryAfter: 2 }));
    upload.mockImplementation(() => new Promise(() => undefined));
    const store = storeWithOneFile();
    await vi.waitFor(() => expect(only(store)).toMatchObject({ status: 'error', retryAt: expect.any(Number) }));
    expect(upload).toHaveBeenCalledTimes(1);
    store.cancel(only(store).id);
    expect(only(store).status).toBe('cancelled');
    await vi.advanceTimersByTimeAsync(5_000);
    expect(upload).toHaveBeenCalledTimes(1);
    expect(only(store).status).toBe('cancelled');
  });

  it('without a cancel, the rate-limited upload goes again by itself when told', async () => {
    upload.mockRejectedValueOnce(uploadError('rate-limited', { seconds: 2 }, { retryAfter: 2 }));
    upload.mockImplementation(() => new Promise(() => undefined));
    const store = storeWithOneFile();
    await vi.waitFor(() => expect(only(store).status).toBe('error'));
    await vi.advanceTimersByTimeAsync(1_900);
    expect(upload).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(upload).toHaveBeenCalledTimes(2);
    expect(only(store).status).toBe('uploading');
  });
});
