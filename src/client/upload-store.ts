import type { QueryClient } from '@tanstack/query-core';
import type { ErrorCode } from '../shared/error-codes.js';
import { uploadError, type UploadError } from '../shared/upload-error.js';
import type { UploadedFile } from '../shared/wire.js';
import { canShrink } from './can-shrink.js';
import { lazyImport } from './lazy-import.js';
import { loadQueryRuntime } from './load-query-runtime.js';
import type * as QueryRuntime from './query-runtime.js';
import { ProgressFrames } from './progress-frames.js';
import { watchStall } from './stall-watch.js';
import { toUploadError } from './to-upload-error.js';
import { uploadFile, type UploadFileOptions } from './upload-file.js';
import {
  UPLOAD_MUTATION_KEY,
  type ActiveUploadItem,
  type DoneUploadItem,
  type FailedUploadItem,
  type RejectedFile,
  type UploadItem,
  type UploadItemBase,
} from './upload-item.js';

/** The fields a status brings with it. */
type StatusFields =
  | { status: ActiveUploadItem['status'] }
  | { status: 'done'; result: UploadedFile }
  | { status: 'error'; error: UploadError; retryAt?: number }
  | { status: 'cancelled' };

export interface UploadStoreState {
  readonly items: readonly UploadItem[];
  readonly rejections: readonly RejectedFile[];
}

/** Extra request headers, or a function read before each upload (short-lived auth). */
export type HeadersInput = UploadFileOptions['headers'];

/** What each upload the store starts is made with. */
export interface UploadStoreConfig {
  /** The client the upload mutations run in. Default: the page's shared one. */
  queryClient?: QueryClient;
  conversationId: string;
  endpoint?: string;
  headers?: HeadersInput;
  /** Send cookies to a BFF on another origin. Default: `false`. */
  withCredentials?: boolean;
  concurrency: number;
  /** An upload whose bytes stop moving for this long, in ms, is aborted (`upload-stalled`); 0: never. */
  stallTimeoutMs: number;
  onUploadSuccess?: (file: UploadedFile, item: DoneUploadItem) => void;
  onUploadError?: (error: UploadError, item: FailedUploadItem) => void;
  onReject?: (rejections: readonly RejectedFile[]) => void;
  /** Photos over `maxBytes` (or `maxDimension`) are re-encoded to fit first. Default: off. */
  shrink?: ShrinkConfig;
}

/** The limits a photo is made to fit before upload. */
export interface ShrinkConfig {
  maxBytes: number;
  maxDimension?: number;
}

/** The photo shrinker, loaded on the first photo that needs it: most sessions never pay for it. */
const loadShrinkImage = lazyImport(() => import('./shrink-image.js'), 'shrinkImage');

/** The limits `file` must be shrunk to, or undefined when it is sent as it is. */
function shrinkNeeded(file: File, shrink: ShrinkConfig | undefined): ShrinkConfig | undefined {
  return shrink && canShrink(file) && (file.size > shrink.maxBytes || shrink.maxDimension) ? shrink : undefined;
}

/**
 * Refusals that pass by themselves, with a `retryAfter` in seconds: HighLevel's rate limit and a
 * busy BFF. The upload counts down and goes again when told (and can be cancelled meanwhile).
 */
const RETRIED_AFTER_WAIT: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['rate-limited', 'server-busy']);

/**
 * The uploads of one widget: a queue with a concurrency limit, each upload a TanStack Query
 * mutation (so a host app's devtools and `useIsMutating` see them), cancellable and retryable.
 * Its config is read when it is needed, so a change of options applies to the next step at once.
 */
export class UploadStore {
  private state: UploadStoreState = { items: [], rejections: [] };
  private readonly listeners = new Set<() => void>();
  private readonly controllers = new Map<string, AbortController>();
  private readonly retryTimers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Photos already made to fit: a retry sends them again without redoing the work. */
  private readonly prepared = new Map<string, File>();
  private readonly frames = new ProgressFrames((shares) =>
    this.set({
      ...this.state,
      items: this.state.items.map((entry) => {
        const next = shares.get(entry.id);
        // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: progress() guards the same
        return next !== undefined && entry.status === 'uploading' && next > entry.progress ? { ...entry, progress: next } : entry;
      }),
    }),
  );
  private sequence = 0;

  /** @param config What uploads are made with, read as each one starts (and for each callback). */
  constructor(private readonly config: () => UploadStoreConfig) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    // Stryker disable next-line ArrowFunction: React unsubscribes only on unmount or StrictMode's remount; both harmless
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): UploadStoreState => this.state;

  /** Queues accepted files and lists refused ones with their reason. */
  add(accepted: readonly File[], rejected: readonly { file: File; code: ErrorCode }[] = []): void {
    const items = accepted.map(
      // Stryker disable next-line StringLiteral: row ids stay unique without the prefix; they are keys, never DOM ids
      (file): UploadItem => ({ id: this.id('u'), name: file.name, size: file.size, file, status: 'queued', progress: 0 }),
    );
    const rejections = rejected.map(
      // Stryker disable next-line StringLiteral: refusal ids stay unique without the prefix; they are keys, never DOM ids
      ({ file, code }): RejectedFile => ({ id: this.id('r'), name: file.name, size: file.size, code, file }),
    );
    this.set({ items: [...this.state.items, ...items], rejections: [...this.state.rejections, ...rejections] });
    if (rejections.length > 0) this.config().onReject?.(rejections);
    this.pump();
  }

  /** Stops a queued, waiting or running upload; it stays listed as cancelled and can be retried. */
  cancel(id: string): void {
    const item = this.find(id);
    this.clearRetryTimer(id);
    if (item?.status === 'queued' || (item?.status === 'error' && item.retryAt !== undefined)) this.move(id, { status: 'cancelled' });
    else this.controllers.get(id)?.abort();
  }

  /** Queues a failed or cancelled upload again. */
  retry(id: string): void {
    const item = this.find(id);
    if (!item?.file || (item.status !== 'error' && item.status !== 'cancelled')) return;
    this.clearRetryTimer(id);
    this.move(id, { status: 'queued' }, { progress: 0 });
    this.pump();
  }

  /** Takes a file off the list, cancelling its upload first. */
  remove(id: string): void {
    this.clearRetryTimer(id);
    this.controllers.get(id)?.abort();
    this.prepared.delete(id);
    this.set({ ...this.state, items: this.state.items.filter((item) => item.id !== id) });
  }

  /** Queues failed uploads again: all of them, or those that failed with `code`. */
  retryFailed(code?: ErrorCode): void {
    // Stryker disable next-line ConditionalExpression,OptionalChaining: retry() skips other rows; a failed row has its error
    for (const item of this.state.items) if (item.status === 'error' && (!code || item.error?.code === code)) this.retry(item.id);
  }

  /** Takes finished uploads (done or cancelled) off the list. */
  clearFinished(): void {
    this.set({ ...this.state, items: this.state.items.filter((item) => item.status !== 'done' && item.status !== 'cancelled') });
  }

  /** Takes refused files off the list. */
  dismiss(...ids: string[]): void {
    const gone = new Set(ids);
    this.set({ ...this.state, rejections: this.state.rejections.filter((rejection) => !gone.has(rejection.id)) });
  }

  /** Done rows whose file is not in `urls` leave the list (a controlled `value` dropped them). */
  keepDone(urls: ReadonlySet<string>): void {
    const kept = this.state.items.filter((item) => item.status !== 'done' || urls.has(item.result.url));
    if (kept.length !== this.state.items.length) this.set({ ...this.state, items: kept });
  }

  /** Everything goes: uploads are aborted, rows and refusals cleared (the message was sent). */
  reset(): void {
    this.abortAll();
    this.prepared.clear();
    this.frames.clear();
    this.set({ items: [], rejections: [] });
  }

  /** Aborts every running upload and waiting retry (the widget is going away). */
  abortAll(): void {
    for (const controller of this.controllers.values()) controller.abort();
    for (const id of [...this.retryTimers.keys()]) this.clearRetryTimer(id);
  }

  /** Starts waiting uploads while slots are free (after a change of `concurrency`, say). */
  pump(): void {
    const { concurrency } = this.config();
    for (const item of this.state.items) {
      if (this.controllers.size >= concurrency) return;
      if (item.status === 'queued' && !this.controllers.has(item.id)) void this.run(item, this.config());
    }
  }

  private async run(item: UploadItem, config: UploadStoreConfig): Promise<void> {
    const controller = new AbortController();
    this.controllers.set(item.id, controller);
    const original = item.file!;
    const ready = this.prepared.get(item.id);
    const shrink = ready ? undefined : shrinkNeeded(original, config.shrink);
    // A new try starts from nothing: a share the last one reported but no frame painted is dropped.
    this.frames.forget(item.id);
    // Leaves `queued` at once: a pump before the first await must not start it twice.
    // Stryker disable next-line ObjectLiteral: every queued row is already at 0 (add and retry set it)
    this.move(item.id, { status: shrink ? 'shrinking' : 'uploading' }, { progress: 0 });
    // Bytes that stop moving abort the upload: a connection that hangs would freeze the bar.
    let stalled = false;
    let sent = 0;
    const stall = watchStall(() => {
      stalled = true;
      controller.abort();
    }, config.stallTimeoutMs);
    const observe = ({ MutationObserver, defaultQueryClient }: typeof QueryRuntime) => new MutationObserver<UploadedFile, UploadError, File>(config.queryClient ?? defaultQueryClient(), {
      mutationKey: UPLOAD_MUTATION_KEY,
      retry: false,
      // Always run: offline, TanStack Query's default would pause the upload at 0 % with no word
      // said. The store fails it as a lost connection instead (the user sees why and can retry)
      // and resumes it itself when the browser is back online.
      // Stryker disable next-line StringLiteral: query-core holds a mutation back offline only in its 'online' mode; '' is not it
      networkMode: 'always',
      mutationFn: (file) => {
        stall.start();
        return uploadFile({
          file,
          conversationId: config.conversationId,
          endpoint: config.endpoint,
          headers: config.headers,
          withCredentials: config.withCredentials,
          signal: controller.signal,
          onProgress: ({ loaded, total }) => {
            // Stryker disable next-line ConditionalExpression,EqualityOperator: a total is never 0, the envelope alone is bytes
            const share = total > 0 ? loaded / total : 0;
            if (share > sent) stall.start();
            sent = Math.max(sent, share);
            // Every byte sent: from here the wait is HighLevel's, which the server times.
            if (share >= 1) stall.stop();
            this.progress(item.id, share);
          },
        }).finally(stall.stop);
      },
    });
    try {
      let file = ready ?? original;
      if (shrink) {
        file = await this.shrink(item, original, shrink, controller.signal);
        this.move(item.id, { status: 'uploading' });
      }
      // query-core loads with the first upload; a cancel meanwhile ends it at once, whether the
      // load then succeeds or fails (offline): the user's cancel is never turned into a retry.
      // Stryker disable next-line ArrowFunction,ObjectLiteral: the catch below makes whatever an aborted try throws a cancel, from the signal
      const cancelled = () => uploadError('cancelled', { details: { fileName: item.name } });
      const observer = observe(await untilAborted(loadQueryRuntime(), controller.signal, cancelled));
      if (controller.signal.aborted) throw cancelled();
      const result = await observer.mutate(file);
      // A host's mutation cache can hold the answer back (its onSuccess refetching something); a
      // cancel meanwhile still counts: the file stays unreported, as one cancelled a moment earlier.
      // Stryker disable next-line ObjectLiteral,StringLiteral: the catch below makes whatever an aborted try throws a cancel, from the signal
      if (controller.signal.aborted) throw uploadError('cancelled', { details: { fileName: item.name } });
      const done = this.move(item.id, { status: 'done', result }, { progress: 1 });
      // Stryker disable next-line ConditionalExpression,OptionalChaining: a row that gets here is listed and done
      if (done?.status === 'done') this.config().onUploadSuccess?.(result, done);
    } catch (thrown) {
      // An aborted try is the user's cancel (or removal), whatever the failure it raced with.
      const error = stalled
        ? uploadError('upload-stalled', { details: { fileName: item.name } })
        : controller.signal.aborted
          ? // Stryker disable next-line ObjectLiteral: a cancelled row shows no error: its file name is never read
            uploadError('cancelled', { details: { fileName: item.name } })
          : toUploadError(thrown, item.name);
      // A photo that cannot be made to fit is refused, like any file that breaks the rules.
      if (error.code === 'image-not-shrinkable') {
        const rejection: RejectedFile = { id: item.id, name: item.name, size: item.size, code: error.code, file: original };
        this.set({
          items: this.state.items.filter((entry) => entry.id !== item.id),
          rejections: [...this.state.rejections, rejection],
        });
        this.config().onReject?.([rejection]);
        return;
      }
      if (error.code === 'cancelled') {
        this.move(item.id, { status: 'cancelled' });
        return;
      }
      // HighLevel's rate limit and a busy server pass: the upload tries again by itself when told.
      // Stryker disable next-line LogicalOperator: only rate-limited and server-busy ever carry a wait
      const retryAt = RETRIED_AFTER_WAIT.has(error.code) && error.retryAfter ? Date.now() + error.retryAfter * 1000 : undefined;
      const failed = this.move(item.id, { status: 'error', error, ...(retryAt === undefined ? {} : { retryAt }) });
      if (retryAt !== undefined && failed) {
        this.retryTimers.set(item.id, setTimeout(() => this.retry(item.id), retryAt - Date.now()));
      }
      // Stryker disable next-line ConditionalExpression,OptionalChaining: a row removed mid-upload ends cancelled above
      if (failed?.status === 'error') this.config().onUploadError?.(error, failed);
    } finally {
      stall.stop();
      this.controllers.delete(item.id);
      this.pump();
    }
  }

  /** Makes a photo fit (once: a retry sends the result again without redoing the work). */
  private async shrink(item: UploadItem, file: File, shrink: ShrinkConfig, signal: AbortSignal): Promise<File> {
    const { shrinkImage } = await loadShrinkImage();
    const result = await shrinkImage(file, { ...shrink, signal });
    // Stryker disable next-line ObjectLiteral: the refusal is built from the row, not from the error
    if (!result) throw uploadError('image-not-shrinkable', { details: { fileName: file.name } });
    this.prepared.set(item.id, result.file);
    if (result.shrunk) {
      this.patch(item.id, {
        size: result.file.size,
        shrunkFrom: file.size,
        ...(result.file.name === file.name ? {} : { sentAs: result.file.name }),
      });
    }
    return result.file;
  }

  private progress(id: string, share: number): void {
    const item = this.find(id);
    // Stryker disable next-line ConditionalExpression,OptionalChaining: the frame's own guard applies only to uploading rows
    if (item?.status !== 'uploading') return;
    // Every byte sent is not every byte stored: full bars wait as "processing" for the answer.
    if (share >= 1) {
      this.frames.forget(id);
      // Stryker disable next-line ObjectLiteral: a processing row shows an indeterminate bar, not its share
      this.move(id, { status: 'processing' }, { progress: 1 });
      return;
    }
    this.frames.report(id, share);
  }

  private clearRetryTimer(id: string): void {
    clearTimeout(this.retryTimers.get(id));
    this.retryTimers.delete(id);
  }

  private find(id: string): UploadItem | undefined {
    return this.state.items.find((item) => item.id === id);
  }

  /** Changes fields every status has. */
  private patch(id: string, patch: Partial<Omit<UploadItemBase, 'id'>>): void {
    // Stryker disable next-line ConditionalExpression: mapping over rows that do not match gives the same rows
    if (!this.find(id)) return;
    this.set({ ...this.state, items: this.state.items.map((item) => (item.id === id ? { ...item, ...patch } : item)) });
  }

  /**
   * Moves a row to another status, with exactly the fields that status has: a result only when
   * done, an error (and retry time) only when failed. Returns the row as it now is.
   */
  private move(id: string, next: StatusFields, base: Partial<Omit<UploadItemBase, 'id'>> = {}): UploadItem | undefined {
    const item = this.find(id);
    if (!item) return undefined;
    const { id: itemId, name, size, shrunkFrom, sentAs, file, progress } = item;
    const moved = {
      id: itemId,
      name,
      size,
      progress,
      ...(shrunkFrom === undefined ? {} : { shrunkFrom }),
      ...(sentAs === undefined ? {} : { sentAs }),
      ...(file === undefined ? {} : { file }),
      ...base,
      ...next,
    } as UploadItem;
    this.set({ ...this.state, items: this.state.items.map((entry) => (entry.id === id ? moved : entry)) });
    return moved;
  }

  private set(state: UploadStoreState): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }

  private id(prefix: string): string {
    // Stryker disable next-line AssignmentOperator: ids counting down are still unique, for the same uses
    this.sequence += 1;
    return `${prefix}${this.sequence}`;
  }
}

/** `promise`, or a rejection with `reason()` as soon as `signal` aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal, reason: () => Error): Promise<T> {
  if (signal.aborted) return Promise.reject(reason());
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(reason());
    // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal aborts once, and a reject after the promise settled does nothing
    signal.addEventListener('abort', abort, { once: true });
    // Stryker disable next-line ArrowFunction,StringLiteral: the listener left behind is on this try's own signal and can only reject a settled promise
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
