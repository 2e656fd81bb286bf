import type { QueryClient } from '@tanstack/react-query';
import type React from 'react';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useDropzone, type DropzoneInputProps, type DropzoneRootProps } from 'react-dropzone';
import { canShrink } from '../client/can-shrink.js';
import { warmUploadClient } from '../client/upload-file.js';
import { checkFile } from '../shared/check-file.js';
import type { ErrorCode } from '../shared/error-codes.js';
import { acceptAttribute, resolveFileTypes, type FileTypeInput } from '../shared/file-types.js';
import { DEFAULT_MAX_FILE_SIZE } from '../shared/limits.js';
import type { UploadError } from '../shared/upload-error.js';
import type { UploadedFile } from '../shared/wire.js';
import {
  UploadStore,
  type DoneUploadItem,
  type FailedUploadItem,
  type HeadersInput,
  type RejectedFile,
  type UploadItem,
  type UploadStatus,
} from './upload-store.js';
import { useResolvedQueryClient } from './use-resolved-query-client.js';

/** Options of {@link useAttachmentUploader}. */
export interface AttachmentUploaderOptions {
  /** The HighLevel conversation files are attached to. Required; while empty, nothing uploads. */
  conversationId: string;
  /** The BFF route. Default: `/api/attachments`. */
  endpoint?: string;
  /**
   * Extra request headers, e.g. the host app's own auth, or a function (sync or async) read
   * before each upload, for auth that expires. Default: none.
   */
  headers?: HeadersInput;
  /**
   * Send the browser's cookies with uploads to a BFF on another origin (axios' `withCredentials`),
   * for a BFF that authorizes by its own session cookie; that BFF must allow credentials for this
   * page's origin. Same-origin uploads send cookies either way. Default: `false`.
   */
  withCredentials?: boolean;
  /**
   * Allowed types, by id (`['PDF', 'PNG']`; GIF, WEBP, HEIC, CSV, XLS(X), PPT(X) too) or as
   * `FileTypeSpec`s of your own. Default: the seed's 13 (JPG JPEG PNG MP4 MPEG ZIP RAR PDF DOC
   * DOCX TXT MP3 WAV).
   */
  allowedTypes?: readonly FileTypeInput[];
  /** Bytes per file; a file of exactly this size passes. Default: 5,242,880 (HighLevel's 5 MB). */
  maxFileSize?: number;
  /** Files in the list at once, failed and cancelled ones not counted. Default: 10 ({@link DEFAULT_MAX_FILES}). */
  maxFiles?: number;
  /** Uploads running at once; the rest wait. Default: 3. */
  concurrency?: number;
  /**
   * JPEG and PNG photos over `maxFileSize` are re-encoded in the browser (in a Web Worker) to
   * fit, instead of being refused; their metadata, GPS location included, is not carried over.
   * Default: `true`.
   */
  shrinkImages?: boolean;
  /** Longest side of an uploaded photo, in pixels; larger ones are scaled down (with `shrinkImages`). Default: no limit. */
  maxImageDimension?: number;
  /** Turns the dropzone off. Default: `false`. */
  disabled?: boolean;
  /** Called once per file HighLevel stored, with the stored file and its row. */
  onUploadSuccess?: (file: UploadedFile, item: DoneUploadItem) => void;
  /** Called once per failed upload (not when cancelled), with the error and the row (`item.file` is the user's file). */
  onUploadError?: (error: UploadError, item: FailedUploadItem) => void;
  /** Called with the files refused at once (by type, size, name, count, or a photo that cannot be made to fit), each with its `file` and `code`. */
  onReject?: (rejections: readonly RejectedFile[]) => void;
  /**
   * Controlled mode: the uploaded files the host holds (a draft, a message being edited). Done
   * rows are exactly these: setting `value` to `[]` (the message was sent) clears them, and a
   * file uploaded now shows as done once `onChange` has put it in `value`. Default: uncontrolled.
   */
  value?: readonly UploadedFile[];
  /** Called with every uploaded file — `value` and new uploads, less removed ones — when that list changes. */
  onChange?: (files: UploadedFile[]) => void;
  /** Called with every row whenever one of them changes (added, progress, done, removed — down to `[]`). */
  onItemsChange?: (items: readonly UploadItem[]) => void;
  /** The TanStack Query client. Default: the host app's, else one of the widget's own. */
  queryClient?: QueryClient;
}

/** What {@link useAttachmentUploader} gives a custom UI. */
export interface AttachmentUploaderState {
  items: readonly UploadItem[];
  rejections: readonly RejectedFile[];
  /** Some file is waiting, being made to fit, sending, or waiting to retry by itself: keep Send disabled. */
  isUploading: boolean;
  /** Rows by status. */
  counts: Readonly<Record<UploadStatus, number>>;
  /** Share of the bytes of the files still in progress that have been sent, 0 to 1; 1 when none is. */
  progress: number;
  /** Files are being dragged over the dropzone. */
  isDragActive: boolean;
  /**
   * Some of the dragged files will be refused (a type not allowed, or too many). Browsers show
   * only MIME types during a drag; a file whose type they do not know is judged at the drop.
   */
  isDragReject: boolean;
  /** Opens the file picker. */
  open: () => void;
  getRootProps: <T extends DropzoneRootProps>(props?: T) => T;
  getInputProps: <T extends DropzoneInputProps>(props?: T) => T;
  /** Checks and queues files from any source (a paste, a custom button). */
  addFiles: (files: readonly File[]) => void;
  cancel: (id: string) => void;
  retry: (id: string) => void;
  /** Takes a file off the list (cancelling its upload); a done one leaves `onChange`'s list too. */
  remove: (id: string) => void;
  /** Takes one or more refused files off the list. */
  dismiss: (...ids: string[]) => void;
  retryAllFailed: () => void;
  /** Takes done and cancelled files off the list (uploaded files stay in `onChange`'s list). */
  clearFinished: () => void;
  /** Clears everything — uploads aborted, rows and refusals gone, `onChange([])` — e.g. once the message is sent. */
  reset: () => void;
}

/** The id of a row showing a file of `value`. */
const valueId = (file: UploadedFile) => `v:${file.url}`;

/** Rows the list takes by default (`maxFiles`). */
export const DEFAULT_MAX_FILES = 10;

/**
 * The headless uploader: state, actions and react-dropzone's prop getters. Each accepted file is
 * uploaded in its own request; refused files are listed with a reason code.
 */
export function useAttachmentUploader(options: AttachmentUploaderOptions): AttachmentUploaderState {
  const { maxFileSize = DEFAULT_MAX_FILE_SIZE, maxFiles = DEFAULT_MAX_FILES, disabled = false, shrinkImages = true } = options;
  // By id or spec, resolved once per list (an unknown id throws, naming it).
  const allowedTypes = useMemo(() => resolveFileTypes(options.allowedTypes), [options.allowedTypes]);
  const queryClient = useResolvedQueryClient(options.queryClient);
  const [store] = useState(() => new UploadStore());
  // The uploaded files as last reported (uncontrolled: kept here; controlled: the host's `value`,
  // updated at once so that uploads finishing before the host re-renders add up).
  const reported = useRef<readonly UploadedFile[]>(options.value ?? []);
  useEffect(() => {
    if (options.value !== undefined) reported.current = options.value;
  }, [options.value]);
  const { onChange } = options;
  const report = useCallback(
    (files: UploadedFile[]) => {
      reported.current = files;
      onChange?.(files);
    },
    [onChange],
  );
  useEffect(() => {
    store.configure({
      queryClient,
      conversationId: options.conversationId,
      endpoint: options.endpoint,
      headers: options.headers,
      withCredentials: options.withCredentials ?? false,
      concurrency: options.concurrency ?? 3,
      onUploadSuccess: (file, item) => {
        options.onUploadSuccess?.(file, item);
        report([...reported.current, file]);
      },
      onUploadError: options.onUploadError,
      onReject: options.onReject,
      shrink: shrinkImages ? { maxBytes: maxFileSize, maxDimension: options.maxImageDimension } : undefined,
    });
  });
  useEffect(() => () => store.abortAll(), [store]);
  // A connection lost mid-upload comes back: those uploads go again by themselves.
  useEffect(() => {
    const online = () => store.retryFailed('network');
    window.addEventListener('online', online);
    return () => window.removeEventListener('online', online);
  }, [store]);
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  const { value } = options;
  // Controlled: the done rows are `value`'s files. Ours that left `value` leave the list for good.
  const valueUrls = useMemo(() => (value === undefined ? undefined : new Set(value.map((file) => file.url))), [value]);
  useEffect(() => {
    if (valueUrls) store.keepDone(valueUrls);
  }, [store, valueUrls]);
  const items = useMemo(() => {
    if (!value || !valueUrls) return state.items;
    const inStore = new Set(doneFiles(state.items).map((file) => file.url));
    const earlier = value
      .filter((file) => !inStore.has(file.url))
      .map((file): UploadItem => ({ id: valueId(file), name: file.name, size: file.size, status: 'done', progress: 1, result: file }));
    return [...earlier, ...state.items.filter((item) => item.status !== 'done' || valueUrls.has(item.result.url))];
  }, [value, valueUrls, state.items]);
  const { onItemsChange } = options;
  const lastItems = useRef<readonly UploadItem[]>([]);
  useEffect(() => {
    // Every change is news, an empty list included; an empty list that stays empty is not.
    if (items === lastItems.current || (items.length === 0 && lastItems.current.length === 0)) return;
    lastItems.current = items;
    onItemsChange?.(items);
    // A new callback identity is not a change of the list.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [items]);
  const summary = useMemo(() => summarizeItems(items), [items]);

  // How many more files the list takes: failed and cancelled ones do not count.
  const room = useCallback(
    () => Math.max(0, maxFiles - store.getSnapshot().items.filter((item) => item.status !== 'error' && item.status !== 'cancelled').length),
    [store, maxFiles],
  );

  const addFiles = useCallback(
    (files: readonly File[]) => {
      const accepted: File[] = [];
      const refused: { file: File; code: ErrorCode }[] = [];
      for (const file of files) {
        const code = checkFile(file, { allowedTypes, maxFileSize });
        // A photo over the limit is taken when it can be shrunk to fit.
        if (code && !(code === 'file-too-large' && shrinkImages && canShrink(file))) refused.push({ file, code });
        else accepted.push(file);
      }
      const left = room();
      const overflow = accepted.slice(left).map((file) => ({ file, code: 'too-many-files' as const }));
      store.add(accepted.slice(0, left), [...refused, ...overflow]);
    },
    [store, room, allowedTypes, maxFileSize, shrinkImages],
  );

  // react-dropzone only collects the files (drop, picker, paste); our own rules judge them, in
  // one place for every way files arrive.
  const dropzone = useDropzone({
    disabled: disabled || !options.conversationId,
    multiple: true,
    onDrop: addFiles,
  });

  const [dragReject, setDragReject] = useState(false);
  const allowedMimeTypes = useMemo(() => new Set(allowedTypes.flatMap((type) => type.mimeTypes)), [allowedTypes]);
  const { getRootProps: dropzoneRootProps } = dropzone;
  const getRootProps = useCallback(
    <T extends DropzoneRootProps>(props?: T): T =>
      dropzoneRootProps({
        ...props,
        // The upload client loads on first need; a drag or focus says a file may be coming.
        onFocus: (event: React.FocusEvent<HTMLElement>) => {
          props?.onFocus?.(event);
          warmUploadClient();
        },
        onDragEnter: (event: React.DragEvent<HTMLElement>) => {
          props?.onDragEnter?.(event);
          warmUploadClient();
          const dragged = [...(event.dataTransfer?.items ?? [])].filter((item) => item.kind === 'file');
          setDragReject(dragged.length > room() || dragged.some((item) => item.type !== '' && !allowedMimeTypes.has(item.type)));
        },
      } as T),
    [dropzoneRootProps, room, allowedMimeTypes],
  );
  const accept = useMemo(() => acceptAttribute(allowedTypes), [allowedTypes]);
  const { getInputProps: dropzoneInputProps } = dropzone;
  const getInputProps = useCallback(
    <T extends DropzoneInputProps>(props?: T): T => dropzoneInputProps({ accept, ...props } as T),
    [dropzoneInputProps, accept],
  );

  const remove = useCallback(
    (id: string) => {
      const item = items.find((candidate) => candidate.id === id);
      store.remove(id);
      if (item?.status === 'done') report(reported.current.filter((file) => file.url !== item.result.url));
    },
    [items, store, report],
  );

  const reset = useCallback(() => {
    store.reset();
    report([]);
  }, [store, report]);

  return {
    items,
    rejections: state.rejections,
    ...summary,
    isDragActive: dropzone.isDragActive,
    isDragReject: dropzone.isDragActive && dragReject,
    open: dropzone.open,
    getRootProps,
    getInputProps,
    addFiles,
    cancel: useCallback((id: string) => store.cancel(id), [store]),
    retry: useCallback((id: string) => store.retry(id), [store]),
    remove,
    dismiss: useCallback((...ids: string[]) => store.dismiss(...ids), [store]),
    retryAllFailed: useCallback(() => store.retryFailed(), [store]),
    clearFinished: useCallback(() => store.clearFinished(), [store]),
    reset,
  };
}

function doneFiles(items: readonly UploadItem[]): UploadedFile[] {
  return items.flatMap((item) => (item.status === 'done' ? [item.result] : []));
}

const IN_PROGRESS: ReadonlySet<UploadStatus> = new Set(['queued', 'shrinking', 'uploading', 'processing']);

/** What a composer needs to know at a glance: counts, whether anything is still going, how far. */
export function summarizeItems(items: readonly UploadItem[]): Pick<AttachmentUploaderState, 'isUploading' | 'counts' | 'progress'> {
  const counts: Record<UploadStatus, number> = { queued: 0, shrinking: 0, uploading: 0, processing: 0, done: 0, error: 0, cancelled: 0 };
  let bytes = 0;
  let sent = 0;
  let waiting = false;
  for (const item of items) {
    counts[item.status] += 1;
    if (item.status === 'error' && item.retryAt !== undefined) waiting = true;
    if (IN_PROGRESS.has(item.status)) {
      bytes += item.size;
      sent += item.size * item.progress;
    }
  }
  const active = counts.queued + counts.shrinking + counts.uploading + counts.processing;
  return { isUploading: active > 0 || waiting, counts, progress: active === 0 ? 1 : bytes === 0 ? 0 : sent / bytes };
}
