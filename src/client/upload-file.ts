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
import type { DiagnoseOptions } from './diagnose-network-failure.js';
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
  /**
   * Send the browser's cookies (and HTTP auth) with the upload when the BFF is on another origin,
   * for a BFF that authorizes by its own session cookie; the BFF must allow credentials for this
   * page's origin. Same-origin uploads always send cookies. Default: `false`.
   */
  withCredentials?: boolean;
  /** The axios instance to use. Default: axios' default instance. */
  axios?: AxiosInstance;
}

/**
 * Uploads one file through the BFF and resolves with what HighLevel stored. Rejects with an
 * `UploadError` whose `code` is the server's, or `network` / `cancelled`, or
 * `origin-not-allowed` when the browser blocked the request because the BFF (reachable) did not
 * allow this page's origin: a failure without an answer is probed to tell the two apart.
 */
export async function uploadFile(options: UploadFileOptions): Promise<UploadedFile> {
  const { file, conversationId, endpoint = DEFAULT_ENDPOINT, signal, onProgress, headers = {}, withCredentials = false } = options;
  const form = new FormData();
  // The BFF streams files as they arrive, so it must know the conversation before the first one.
  form.append(CONVERSATION_ID_FIELD, conversationId);
  form.append(FILE_FIELD, file, file.name);
  try {
    const response = await (options.axios ?? axios).post<UploadResponseBody>(endpoint, form, {
      signal,
      withCredentials,
      headers: { ...headers, [REQUESTED_WITH_HEADER]: REQUESTED_WITH_VALUE, Accept: 'application/json' },
      onUploadProgress: (event) => onProgress?.({ loaded: event.loaded, total: event.total ?? file.size }),
    });
    const uploaded = response.data?.files?.[0];
    if (!uploaded) throw uploadError('internal', {}, { fileName: file.name });
    return uploaded;
  } catch (thrown) {
    const error = toUploadError(thrown, file.name);
    if (error.code !== 'network') throw error;
    // No answer at all: a lost connection, or the browser refusing a cross-origin request.
    const sent = { ...headers, [REQUESTED_WITH_HEADER]: REQUESTED_WITH_VALUE };
    const cause = signal?.aborted ? 'network' : await diagnose(endpoint, { headers: sent, withCredentials, signal });
    if (signal?.aborted) throw uploadError('cancelled', {}, { fileName: file.name }, { cause: thrown });
    throw cause === 'origin-not-allowed' ? uploadError(cause, {}, { fileName: file.name }, { cause: thrown }) : error;
  }
}

/**
 * `diagnoseNetworkFailure`, loaded on the first failure without an answer: most sessions never
 * need it. When even that load fails, the connection is what failed.
 */
async function diagnose(endpoint: string, options: DiagnoseOptions): Promise<'origin-not-allowed' | 'network'> {
  try {
    const { diagnoseNetworkFailure } = await import('./diagnose-network-failure.js');
    return await diagnoseNetworkFailure(endpoint, options);
  } catch {
    return 'network';
  }
}
