/**
 * The upload store on its own, its upload client replaced so that a test can play the order of
 * events a network produces: progress out of order, a rate limit, a cancel while waiting.
 */
import { MutationCache, QueryClient } from '@tanstack/query-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type * as UploadFileModule from './upload-file.js';
import { uploadFile, type UploadFileOptions } from './upload-file.js';
import { uploadError } from '../shared/upload-error.js';
import type { UploadedFile } from '../shared/wire.js';
import { UploadStore, type UploadStoreConfig } from './upload-store.js';
import { summarizeItems } from './summarize-items.js';

vi.mock('./upload-file.js', async (importOriginal) => ({
  ...(await importOriginal<typeof UploadFileModule>()),
  uploadFile: vi.fn(),
}));
const upload = vi.mocked(uploadFile);

function storeWithOneFile(extra: Partial<UploadStoreConfig> = {}) {
  const config: UploadStoreConfig = { queryClient: new QueryClient(), conversationId: 'c1', concurrency: 1, stallTimeoutMs: 30_000, ...extra };
  const store = new UploadStore(() => config);
  store.add([new File(['0123456789'], 'a.png', { type: 'image/png' })]);
  return store;
}
const only = (store: UploadStore) => store.getSnapshot().items[0]!;
const png = (name: string) => new File(['0123456789'], name, { type: 'image/png' });
const stored = (name: string): UploadedFile => ({ name, url: `https://storage.example/${name}`, mimeType: 'image/png', size: 10, kind: 'image' });

/** An upload the test settles by hand, after reporting what progress it likes. */
function settleByHand() {
  const calls: { options: UploadFileOptions; resolve(file: UploadedFile): void; reject(error: unknown): void }[] = [];
  const hold = (options: UploadFileOptions) =>
    new Promise<UploadedFile>((resolve, reject) => {
      calls.push({ options, resolve, reject });
    });
  upload.mockImplementation(hold);
  return Object.assign(calls, { hold });
}

/** A query client whose mutation cache does work on every success, as a host app's may. */
function hostHoldingAnswers() {
  let seen: () => void = () => undefined;
  let release: () => void = () => undefined;
  const hostIsBusy = new Promise<void>((resolve) => (release = resolve));
  const answered = new Promise<void>((resolve) => (seen = resolve));
  const queryClient = new QueryClient({
    mutationCache: new MutationCache({
      onSuccess: async () => {
        seen();
        await hostIsBusy;
      },
    }),
  });
  return { queryClient, answered, release };
}

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

  it('a failed file retried while another holds the only slot waits with nothing sent, in its row and in the total', async () => {
    const calls = settleByHand();
    const config: UploadStoreConfig = { queryClient: new QueryClient(), conversationId: 'c1', concurrency: 1, stallTimeoutMs: 30_000 };
    const store = new UploadStore(() => config);
    store.add([png('first.png'), png('second.png')]);
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    calls[0]!.options.onProgress?.({ loaded: 6, total: 10 });
    await vi.advanceTimersByTimeAsync(20);
    expect(only(store)).toMatchObject({ name: 'first.png', progress: 0.6 });
    calls[0]!.reject(uploadError('network'));
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    expect(only(store)).toMatchObject({ status: 'error', progress: 0.6 });
    store.retry(only(store).id);
    // second.png still has the slot: first.png waits its turn, its last try's 60 % forgotten.
    expect(only(store)).toMatchObject({ status: 'queued', progress: 0 });
    expect(summarizeItems(store.getSnapshot().items).progress).toBe(0);
    calls[1]!.options.onProgress?.({ loaded: 5, total: 10 });
    await vi.advanceTimersByTimeAsync(20);
    expect(summarizeItems(store.getSnapshot().items).progress).toBe(0.25);
  });

  it('a file removed while the host app still handles its answer is not reported as uploaded', async () => {
    // A host whose mutation cache does work on every success (refetching a conversation, say)
    // holds the answer back from the widget; the user removes the file meanwhile.
    const { queryClient, answered, release } = hostHoldingAnswers();
    const calls = settleByHand();
    const onUploadSuccess = vi.fn();
    const config: UploadStoreConfig = { queryClient, conversationId: 'c1', concurrency: 2, stallTimeoutMs: 30_000, onUploadSuccess };
    const store = new UploadStore(() => config);
    store.add([png('removed.png'), png('kept.png')]);
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    calls[0]!.resolve(stored('removed.png'));
    await answered;
    store.remove(only(store).id);
    release();
    calls[1]!.resolve(stored('kept.png'));
    await vi.waitFor(() => expect(only(store)).toMatchObject({ name: 'kept.png', status: 'done' }));
    expect(onUploadSuccess).toHaveBeenCalledTimes(1);
    expect(onUploadSuccess).toHaveBeenCalledWith(stored('kept.png'), expect.objectContaining({ name: 'kept.png', status: 'done' }));
    expect(store.getSnapshot().items.map((item) => item.name)).toEqual(['kept.png']);
  });

  it('a file cancelled while the host app still handles its answer ends cancelled, unreported, and can be retried', async () => {
    const { queryClient, answered, release } = hostHoldingAnswers();
    const calls = settleByHand();
    const onUploadSuccess = vi.fn();
    const store = storeWithOneFile({ queryClient, onUploadSuccess });
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    calls[0]!.resolve(stored('a.png'));
    await answered;
    store.cancel(only(store).id);
    release();
    await vi.waitFor(() => expect(only(store).status).toBe('cancelled'));
    expect(onUploadSuccess).not.toHaveBeenCalled();
    store.retry(only(store).id);
    await vi.waitFor(() => expect(calls).toHaveLength(2));
    calls[1]!.resolve(stored('a.png'));
    await vi.waitFor(() => expect(only(store).status).toBe('done'));
    expect(onUploadSuccess).toHaveBeenCalledTimes(1);
  });

  it("a retry the host starts as an upload fails begins at 0 %, not at the failed try's last unpainted share", async () => {
    const calls = settleByHand();
    const { hold } = calls;
    const store: UploadStore = new UploadStore(() => config);
    // The host retries at once (its own policy for lost connections, say).
    const config: UploadStoreConfig = {
      queryClient: new QueryClient(),
      conversationId: 'c1',
      concurrency: 1,
      stallTimeoutMs: 30_000,
      onUploadError: (_error, item) => store.retry(item.id),
    };
    store.add([png('a.png')]);
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    // 60 % sent, then the connection drops before the next frame paints it.
    calls[0]!.options.onProgress?.({ loaded: 6, total: 10 });
    const secondTry = new Promise<void>((resolve) => upload.mockImplementationOnce((options) => (resolve(), hold(options))));
    calls[0]!.reject(uploadError('network'));
    // The failure and the host's retry take no time (no timer runs): the frame comes after.
    await secondTry;
    await vi.advanceTimersByTimeAsync(20);
    expect(only(store)).toMatchObject({ status: 'uploading', progress: 0 });
    calls[1]!.options.onProgress?.({ loaded: 3, total: 10 });
    await vi.advanceTimersByTimeAsync(20);
    expect(only(store).progress).toBe(0.3);
  });

  describe('an upload whose bytes stop moving', () => {
    /** An upload that reports what the test says, and fails as axios does when its signal aborts. */
    function abortable() {
      const calls: UploadFileOptions[] = [];
      upload.mockImplementation(
        (options) =>
          new Promise((_resolve, reject) => {
            calls.push(options);
            options.signal?.addEventListener('abort', () => reject(Object.assign(new Error('canceled'), { __CANCEL__: true })));
          }),
      );
      return calls;
    }

    it('is aborted after stallTimeoutMs without progress, shown as stalled, told to the host, and can be retried', async () => {
      const calls = abortable();
      const onUploadError = vi.fn();
      const store = storeWithOneFile({ stallTimeoutMs: 30_000, onUploadError });
      await vi.waitFor(() => expect(calls).toHaveLength(1));
      calls[0]!.onProgress?.({ loaded: 3, total: 10 });
      await vi.advanceTimersByTimeAsync(29_000);
      expect(only(store).status).toBe('uploading');
      await vi.advanceTimersByTimeAsync(1_100);
      expect(calls[0]!.signal?.aborted).toBe(true);
      expect(only(store)).toMatchObject({ status: 'error', error: { code: 'upload-stalled', fileName: 'a.png' } });
      expect(only(store)).not.toHaveProperty('retryAt');
      expect(onUploadError).toHaveBeenCalledWith(expect.objectContaining({ code: 'upload-stalled' }), expect.objectContaining({ status: 'error' }));
      store.retry(only(store).id);
      await vi.waitFor(() => expect(calls).toHaveLength(2));
      expect(only(store)).toMatchObject({ status: 'uploading', progress: 0 });
    });

    it('bytes that keep moving, however slowly, keep it going; a cancel is still a cancel', async () => {
      const calls = abortable();
      const store = storeWithOneFile({ stallTimeoutMs: 30_000 });
      await vi.waitFor(() => expect(calls).toHaveLength(1));
      for (let loaded = 1; loaded <= 5; loaded += 1) {
        await vi.advanceTimersByTimeAsync(25_000);
        calls[0]!.onProgress?.({ loaded, total: 10 });
      }
      // The same share again is no progress.
      await vi.advanceTimersByTimeAsync(20_000);
      calls[0]!.onProgress?.({ loaded: 5, total: 10 });
      await vi.advanceTimersByTimeAsync(9_000);
      expect(only(store)).toMatchObject({ status: 'uploading', progress: 0.5 });
      await vi.advanceTimersByTimeAsync(2_000);
      expect(only(store)).toMatchObject({ status: 'error', error: { code: 'upload-stalled' } });
      store.retry(only(store).id);
      await vi.waitFor(() => expect(calls).toHaveLength(2));
      store.cancel(only(store).id);
      await vi.waitFor(() => expect(only(store).status).toBe('cancelled'));
    });

    it('stallTimeoutMs 0 never gives up', async () => {
      const calls = abortable();
      const store = storeWithOneFile({ stallTimeoutMs: 0 });
      await vi.waitFor(() => expect(calls).toHaveLength(1));
      await vi.advanceTimersByTimeAsync(600_000);
      expect(only(store).status).toBe('uploading');
      expect(calls[0]!.signal?.aborted).toBe(false);
    });
  });
});
