import axios, { type AxiosInstance } from 'axios';
import {
  CONVERSATION_ID_FIELD,
  FILE_FIELD,
  REQUESTED_WITH_HEADER,
  REQUESTED_WITH_VALUE,
  type UploadResponseBody,
  type UploadedFile,
} from '../shared/wire.js';
import { uploadError } from '../shared/upload-error.js';
import { toUploadError } from './to-upload-error.js';

/** The BFF route the widget posts to when no `endpoint` is given. */
export const DEFAULT_ENDPOINT = '/api/attachments';

/** Bytes sent so far of one upload. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/** Options of {@link uploadFile}. */
export interface UploadFileOptions {
  file: Blob & { name: string };
  /** The HighLevel conversation the file is for. Required. */
  conversationId: string;
  /** The BFF route. Default: `/api/attachments`. */
  endpoint?: string;
  /** Aborts the request; the promise then rejects with code `cancelled`. */
  signal?: AbortSignal;
  /** Called as bytes leave the browser. */
  onProgress?: (progress: UploadProgress) => void;
  /** Extra headers, e.g. the host app's own auth. Default: none. */
  headers?: Record<string, string>;
  /** The axios instance to use. Default: axios' default instance. */
  axios?: AxiosInstance;
}

/**
 * Uploads one file through the BFF and resolves with what HighLevel stored. Rejects with an
 * `UploadError` whose `code` is the server's, or `network` / `cancelled`.
 */
export async function uploadFile(options: UploadFileOptions): Promise<UploadedFile> {
  const { file, conversationId, endpoint = DEFAULT_ENDPOINT, signal, onProgress, headers = {} } = options;
  const form = new FormData();
  // The BFF streams files as they arrive, so it must know the conversation before the first one.
  form.append(CONVERSATION_ID_FIELD, conversationId);
  form.append(FILE_FIELD, file, file.name);
  try {
    const response = await (options.axios ?? axios).post<UploadResponseBody>(endpoint, form, {
      signal,
      headers: { ...headers, [REQUESTED_WITH_HEADER]: REQUESTED_WITH_VALUE, Accept: 'application/json' },
      onUploadProgress: (event) => onProgress?.({ loaded: event.loaded, total: event.total ?? file.size }),
    });
    const uploaded = response.data?.files?.[0];
    if (!uploaded) throw uploadError('internal', {}, { fileName: file.name });
    return uploaded;
  } catch (error) {
    throw toUploadError(error, file.name);
  }
}
