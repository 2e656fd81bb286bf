import type React from 'react';
import { useCallback, useEffect, useLayoutEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { useDropzone, type DropzoneInputProps, type DropzoneRootProps } from 'react-dropzone';
import { warmUploadClient } from '../client/upload-file.js';
import { Uploader } from '../client/uploader.js';
import type { UploaderOptions, UploaderState } from '../client/uploader-options.js';
import { acceptAttribute } from '../shared/file-types.js';
import { useHostQueryClient } from './use-host-query-client.js';

export { DEFAULT_MAX_FILES } from '../client/uploader.js';
export { summarizeItems } from '../client/summarize-items.js';

/** Options of {@link useAttachmentUploader}: the uploader's (`ghl-attachments/client`), and the dropzone's. */
export interface AttachmentUploaderOptions extends UploaderOptions {
  /** Turns the dropzone off. Default: `false`. */
  disabled?: boolean;
}

/** What {@link useAttachmentUploader} gives a custom UI: the uploader's state, its actions, react-dropzone's getters. */
export interface AttachmentUploaderState extends UploaderState {
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

// New options reach the uploader before the browser paints; a server renders the first state only.
const useBeforePaint = typeof window === 'undefined' ? useEffect : useLayoutEffect;

/**
 * The headless uploader: state, actions and react-dropzone's prop getters, over the framework-free
 * {@link Uploader}. Each accepted file is uploaded in its own request; refused files are listed
 * with a reason code.
 */
export function useAttachmentUploader(options: AttachmentUploaderOptions): AttachmentUploaderState {
  const queryClient = useHostQueryClient(options.queryClient);
  // Made with the first options: files a child adds before any effect has run are taken.
  const [uploader] = useState(() => new Uploader({ ...options, queryClient }));
  useBeforePaint(() => uploader.setOptions({ ...options, queryClient }));
  useEffect(() => () => uploader.destroy(), [uploader]);
  const state = useSyncExternalStore(uploader.subscribe, uploader.getState, uploader.getState);

  const actions = useMemo(
    () => ({
      addFiles: (files: readonly File[]) => uploader.addFiles(files),
      cancel: (id: string) => uploader.cancel(id),
      retry: (id: string) => uploader.retry(id),
      remove: (id: string) => uploader.remove(id),
      dismiss: (...ids: string[]) => uploader.dismiss(...ids),
      retryAllFailed: () => uploader.retryFailed(),
      clearFinished: () => uploader.clearFinished(),
      reset: () => uploader.reset(),
    }),
    [uploader],
  );

  // react-dropzone only collects the files (drop, picker, paste); the uploader's rules judge
  // them, in one place for every way files arrive.
  const dropzone = useDropzone({ disabled: options.disabled || !options.conversationId, multiple: true, onDrop: actions.addFiles });
  const [dragReject, setDragReject] = useState(false);
  const { getRootProps: dropzoneRootProps, getInputProps: dropzoneInputProps } = dropzone;
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
          setDragReject(uploader.refusesDrag([...(event.dataTransfer?.items ?? [])]));
        },
      } as T),
    [dropzoneRootProps, uploader],
  );
  const accept = useMemo(() => acceptAttribute(state.rules.allowedTypes), [state.rules]);
  const getInputProps = useCallback(
    <T extends DropzoneInputProps>(props?: T): T => dropzoneInputProps({ accept, ...props } as T),
    [dropzoneInputProps, accept],
  );

  return {
    ...state,
    ...actions,
    isDragActive: dropzone.isDragActive,
    isDragReject: dropzone.isDragActive && dragReject,
    open: dropzone.open,
    getRootProps,
    getInputProps,
  };
}
