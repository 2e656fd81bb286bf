import type { QueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useDropzone, type DropzoneInputProps, type DropzoneRootProps, type FileRejection } from 'react-dropzone';
import { checkFile } from '../shared/check-file.js';
import { isErrorCode, type ErrorCode } from '../shared/error-codes.js';
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
  /** Allowed types. Default: the seed's 13 (JPG JPEG PNG MP4 MPEG ZIP RAR PDF DOC DOCX TXT MP3 WAV). */
  allowedTypes?: readonly FileTypeSpec[];
  /** Bytes per file; a file of exactly this size passes. Default: 5,242,880 (HighLevel's 5 MB). */
  maxFileSize?: number;
  /** Files in the list at once, failed and cancelled ones not counted. Default: 10. */
  maxFiles?: number;
  /** Uploads running at once; the rest wait. Default: 3. */
  concurrency?: number;
  /** Turns the dropzone off. Default: `false`. */
  disabled?: boolean;
  /** Called with the files each finished upload stored. */
  onUploaded?: (files: UploadedFile[]) => void;
  /** Called when an upload fails (not when it is cancelled). */
  onError?: (error: UploadError, file: File) => void;
  /** Called with every file in the list whenever one of them changes (added, progress, done…). */
  onChange?: (items: readonly UploadItem[]) => void;
  /** The TanStack Query client. Default: the host app's, else one of the widget's own. */
  queryClient?: QueryClient;
}

/** What {@link useAttachmentUploader} gives a custom UI. */
export interface AttachmentUploaderState {
  items: readonly UploadItem[];
  rejections: readonly RejectedFile[];
  /** Files are being dragged over the dropzone. */
  isDragActive: boolean;
  /** Opens the file picker. */
  open: () => void;
  getRootProps: <T extends DropzoneRootProps>(props?: T) => T;
  getInputProps: <T extends DropzoneInputProps>(props?: T) => T;
  /** Checks and queues files from any source (a paste, a custom button). */
  addFiles: (files: readonly File[]) => void;
  cancel: (id: string) => void;
  retry: (id: string) => void;
  remove: (id: string) => void;
  dismiss: (id: string) => void;
}

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
  } = options;
  const queryClient = useResolvedQueryClient(options.queryClient);
  const [store] = useState(() => new UploadStore());
  useEffect(() => {
    store.configure({
      queryClient,
      conversationId: options.conversationId,
      endpoint: options.endpoint,
      headers: options.headers,
      concurrency: options.concurrency ?? 3,
      onUploaded: options.onUploaded,
      onError: options.onError,
    });
  });
  useEffect(() => () => store.abortAll(), [store]);
  const state = useSyncExternalStore(store.subscribe, store.getSnapshot, store.getSnapshot);
  const { onChange } = options;
  useEffect(() => {
    if (state.items.length > 0 || state.rejections.length > 0) onChange?.(state.items);
    // Only a change of the list itself is news; a new callback identity is not.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state.items]);

  const addChecked = useCallback(
    (accepted: readonly File[], refused: { file: File; code: ErrorCode }[]) => {
      const active = store.getSnapshot().items.filter((item) => item.status !== 'error' && item.status !== 'cancelled');
      const room = Math.max(0, maxFiles - active.length);
      const overflow = accepted.slice(room).map((file) => ({ file, code: 'too-many-files' as const }));
      store.add(accepted.slice(0, room), [...refused, ...overflow]);
    },
    [store, maxFiles],
  );

  const addFiles = useCallback(
    (files: readonly File[]) => {
      const accepted: File[] = [];
      const refused: { file: File; code: ErrorCode }[] = [];
      for (const file of files) {
        const code = checkFile(file, { allowedTypes, maxFileSize });
        if (code) refused.push({ file, code });
        else accepted.push(file);
      }
      addChecked(accepted, refused);
    },
    [addChecked, allowedTypes, maxFileSize],
  );

  const dropzone = useDropzone({
    disabled: disabled || !options.conversationId,
    multiple: true,
    validator: (file) => {
      const code = checkFile(file, { allowedTypes, maxFileSize });
      return code ? { code, message: code } : null;
    },
    onDrop: (accepted: File[], rejections: FileRejection[]) => {
      addChecked(
        accepted,
        rejections.map(({ file, errors }) => {
          const code = errors[0]?.code;
          return { file, code: isErrorCode(code) ? code : 'file-type-not-allowed' };
        }),
      );
    },
  });

  const accept = useMemo(() => acceptAttribute(allowedTypes), [allowedTypes]);
  const { getInputProps: dropzoneInputProps } = dropzone;
  const getInputProps = useCallback(
    <T extends DropzoneInputProps>(props?: T): T => dropzoneInputProps({ accept, ...props } as T),
    [dropzoneInputProps, accept],
  );

  return {
    items: state.items,
    rejections: state.rejections,
    isDragActive: dropzone.isDragActive,
    open: dropzone.open,
    getRootProps: dropzone.getRootProps,
    getInputProps,
    addFiles,
    cancel: useCallback((id: string) => store.cancel(id), [store]),
    retry: useCallback((id: string) => store.retry(id), [store]),
    remove: useCallback((id: string) => store.remove(id), [store]),
    dismiss: useCallback((id: string) => store.dismiss(id), [store]),
  };
}
