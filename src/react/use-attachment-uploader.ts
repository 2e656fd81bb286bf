import type { QueryClient } from '@tanstack/react-query';
import type React from 'react';
import { useCallback, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { useDropzone, type DropzoneInputProps, type DropzoneRootProps } from 'react-dropzone';
import { canShrink } from '../client/can-shrink.js';
import { checkFile } from '../shared/check-file.js';
import type { ErrorCode } from '../shared/error-codes.js';
import { DEFAULT_FILE_TYPES, acceptAttribute, type FileTypeSpec } from '../shared/file-types.js';
import { DEFAULT_MAX_FILE_SIZE } from '../shared/limits.js';
import type { UploadError } from '../shared/upload-error.js';
import type { UploadedFile } from '../shared/wire.js';
import { UploadStore, type RejectedFile, type UploadItem } from './upload-store.js';
import { useResolvedQueryClient } from './use-resolved-query-client.js';

/** Options of {@link useAttachmentUploader}. */
export interface AttachmentUploaderOptions {
  /** The HighLevel conversation files are attached to. Required; while empty, nothing uploads. */
  conversationId: string;
  /** The BFF route. Default: `/api/attachments`. */
  endpoint?: string;
  /** Extra request headers, e.g. the host app's own auth. Default: none. */
  headers?: Record<string, string>;
  /**
   * Send the browser's cookies with uploads to a BFF on another origin (axios' `withCredentials`),
   * for a BFF that authorizes by its own session cookie; that BFF must allow credentials for this
   * page's origin. Same-origin uploads send cookies either way. Default: `false`.
   */
  withCredentials?: boolean;
  /** Allowed types. Default: the seed's 13 (JPG JPEG PNG MP4 MPEG ZIP RAR PDF DOC DOCX TXT MP3 WAV). */
  allowedTypes?: readonly FileTypeSpec[];
  /** Bytes per file; a file of exactly this size passes. Default: 5,242,880 (HighLevel's 5 MB). */
  maxFileSize?: number;
  /** Files in the list at once, failed and cancelled ones not counted. Default: 10. */
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
  /** Called with the files each finished upload stored. */
  onUploaded?: (files: UploadedFile[]) => void;
  /** Called when an upload fails (not when it is cancelled). */
  onError?: (error: UploadError, file: File) => void;
  /**
   * Files uploaded earlier (a saved draft, a message being edited), shown as done. With
   * `onChange`, the host form holds the list: controlled mode. Default: none (uncontrolled).
   */
  value?: readonly UploadedFile[];
  /** Called with every uploaded file — `value` and new uploads, less removed ones — when that list changes. */
  onChange?: (files: UploadedFile[]) => void;
  /** Called with every file in the list whenever one of them changes (added, progress, done…). */
  onItemsChange?: (items: readonly UploadItem[]) => void;
  /** The TanStack Query client. Default: the host app's, else one of the widget's own. */
  queryClient?: QueryClient;
}

/** What {@link useAttachmentUploader} gives a custom UI. */
export interface AttachmentUploaderState {
  items: readonly UploadItem[];
  rejections: readonly RejectedFile[];
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
}

/** The id of a row showing a file of `value`. */
const valueId = (file: UploadedFile) => `v:${file.url}`;

export const DEFAULT_MAX_FILES_IN_LIST = 10;

/**
 * The headless uploader: state, actions and react-dropzone's prop getters. Each accepted file is
 * uploaded in its own request; refused files are listed with a reason code.
 */
export function useAttachmentUploader(options: AttachmentUploaderOptions): AttachmentUploaderState {
  const {
    allowedTypes = DEFAULT_FILE_TYPES,
    maxFileSize = DEFAULT_MAX_FILE_SIZE,
    maxFiles = DEFAULT_MAX_FILES_IN_LIST,
    disabled = false,
    shrinkImages = true,
  } = options;
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
      onUploaded: (files) => {
        options.onUploaded?.(files);
        report([...reported.current, ...files]);
      },
      onError: options.onError,
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
  const items = useMemo(() => {
    if (!value?.length) return state.items;
    const inStore = new Set(doneFiles(state.items).map((file) => file.url));
    const earlier = value
      .filter((file) => !inStore.has(file.url))
      .map((file): UploadItem => ({ id: valueId(file), name: file.name, size: file.size, status: 'done', progress: 1, result: file }));
    return [...earlier, ...state.items];
  }, [value, state.items]);
  const { onItemsChange } = options;
  useEffect(() => {
    if (state.items.length > 0) onItemsChange?.(items);
    // Only a change of the list itself is news; a new callback identity is not.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [items]);

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
        onDragEnter: (event: React.DragEvent<HTMLElement>) => {
          props?.onDragEnter?.(event);
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
      if (item?.result) report(reported.current.filter((file) => file.url !== item.result!.url));
    },
    [items, store, report],
  );

  return {
    items,
    rejections: state.rejections,
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
  };
}

function doneFiles(items: readonly UploadItem[]): UploadedFile[] {
  return items.flatMap((item) => (item.status === 'done' && item.result ? [item.result] : []));
}
