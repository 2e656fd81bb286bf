import type { AxiosStatic } from 'axios';
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
import { lazyImport } from './lazy-import.js';
import { toUploadError } from './to-upload-error.js';

/**
 * axios, loaded on first need: a page shows the widget long before (if ever) a file is chosen,
 * and axios is most of what an upload needs. {@link warmUploadClient} starts the load early.
 */
const loadAxios = lazyImport(() => import('axios'), 'default');
const loadClient = (): Promise<AxiosStatic> => loadAxios().then((module) => module.default);
const loadDiagnosis = lazyImport(() => import('./diagnose-network-failure.js'), 'diagnoseNetworkFailure');

/**
 * Starts loading the upload client, so that the first upload does not wait for it: the widget
 * calls it when files are dragged over it or its control gets focus. Safe to call often.
 */
// Stryker disable next-line BlockStatement: only when axios loads changes; the first upload loads it itself
export function warmUploadClient(): void {
  void loadClient().catch(() => undefined);
}

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
  /**
   * Extra headers, e.g. the host app's own auth, or a function (sync or async) read before each
   * request, for auth that expires. Default: none.
   */
  headers?: Record<string, string> | (() => Record<string, string> | Promise<Record<string, string>>);
  /**
   * Send the browser's cookies (and HTTP auth) with the upload when the BFF is on another origin,
   * for a BFF that authorizes by its own session cookie; the BFF must allow credentials for this
   * page's origin. Same-origin uploads always send cookies. Default: `false`.
   */
  withCredentials?: boolean;
}

/**
 * Uploads one file through the BFF and resolves with what HighLevel stored. Rejects with an
 * `UploadError` whose `code` is the server's, or `network` / `cancelled`, or
 * `origin-not-allowed` when the browser blocked the request because the BFF (reachable) did not
 * allow this page's origin: a failure without an answer is probed to tell the two apart.
 */
export async function uploadFile(options: UploadFileOptions): Promise<UploadedFile> {
  const { file, conversationId, endpoint = DEFAULT_ENDPOINT, signal, onProgress, withCredentials = false } = options;
  const headers = typeof options.headers === 'function' ? await options.headers() : (options.headers ?? {});
  const form = new FormData();
  // The BFF streams files as they arrive, so it must know the conversation before the first one.
  form.append(CONVERSATION_ID_FIELD, conversationId);
  form.append(FILE_FIELD, file, file.name);
  try {
    const axios = await loadClient();
    const response = await axios.post<UploadResponseBody>(endpoint, form, {
      signal,
      withCredentials,
      headers: { ...headers, [REQUESTED_WITH_HEADER]: REQUESTED_WITH_VALUE, Accept: 'application/json' },
      onUploadProgress: (event) => onProgress?.({ loaded: event.loaded, total: event.total ?? file.size }),
    });
    const uploaded = response.data?.files?.[0];
    if (!uploaded) throw uploadError('internal', { details: { fileName: file.name } });
    return uploaded;
  } catch (thrown) {
    const error = toUploadError(thrown, file.name);
    if (error.code !== 'network') throw error;
    // No answer at all: a lost connection, or the browser refusing a cross-origin request.
    const sent = { ...headers, [REQUESTED_WITH_HEADER]: REQUESTED_WITH_VALUE };
    // Stryker disable next-line StringLiteral: the next line throws cancelled whenever the signal is aborted
    const cause = signal?.aborted ? 'network' : await diagnose(endpoint, { headers: sent, withCredentials, signal });
    if (signal?.aborted) throw uploadError('cancelled', { details: { fileName: file.name }, cause: thrown });
    // Stryker disable next-line ConditionalExpression: with cause network, both branches throw the same network error
    throw cause === 'origin-not-allowed' ? uploadError(cause, { details: { fileName: file.name }, cause: thrown }) : error;
  }
}

/**
 * `diagnoseNetworkFailure`, loaded on the first failure without an answer: most sessions never
 * need it. When even that load fails, the connection is what failed.
 */
async function diagnose(endpoint: string, options: DiagnoseOptions): Promise<'origin-not-allowed' | 'network'> {
  try {
    const { diagnoseNetworkFailure } = await loadDiagnosis();
    // Stryker disable BlockStatement: only origin-not-allowed changes what uploadFile throws; undefined lets network through
    return await diagnoseNetworkFailure(endpoint, options);
  } catch {
    // Stryker disable next-line StringLiteral: only origin-not-allowed changes what uploadFile throws
    // Stryker restore BlockStatement
    return 'network';
  }
}
