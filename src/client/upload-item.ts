import type { ErrorCode } from '../shared/error-codes.js';
import type { UploadError } from '../shared/upload-error.js';
import type { UploadedFile } from '../shared/wire.js';

/**
 * Where a file is in its life: waiting for a slot, a photo being made to fit, sending bytes,
 * sent and waiting for HighLevel to answer ("processing"), and its three ends.
 */
export type UploadStatus = 'queued' | 'shrinking' | 'uploading' | 'processing' | 'done' | 'error' | 'cancelled';

/** What every row has, whatever its status. */
export interface UploadItemBase {
  readonly id: string;
  readonly name: string;
  /** Bytes: what is sent, so a shrunk photo's new size. */
  readonly size: number;
  /** The photo's size before it was shrunk to fit, when it was. */
  readonly shrunkFrom?: number;
  /** The name sent, when shrinking changed it (a PNG sent as JPEG); `name` stays the user's. */
  readonly sentAs?: string;
  /** The file the user chose; absent for files passed in as `value`. */
  readonly file?: File;
  /** Share of the bytes sent, 0 to 1; never goes back within one attempt. */
  readonly progress: number;
}

/** Waiting, being made to fit, sending, or sent and waiting for HighLevel's answer. */
export interface ActiveUploadItem extends UploadItemBase {
  readonly status: 'queued' | 'shrinking' | 'uploading' | 'processing';
}

/** Stored by HighLevel. */
export interface DoneUploadItem extends UploadItemBase {
  readonly status: 'done';
  /** What HighLevel stored. */
  readonly result: UploadedFile;
}

/** Failed; retried by itself at `retryAt` when the refusal passes (a rate limit, a busy server). */
export interface FailedUploadItem extends UploadItemBase {
  readonly status: 'error';
  readonly error: UploadError;
  /** When it retries by itself, in ms since the epoch. */
  readonly retryAt?: number;
}

/** Stopped by the user; can be retried. */
export interface CancelledUploadItem extends UploadItemBase {
  readonly status: 'cancelled';
}

/**
 * One accepted file and its upload, or a file uploaded earlier (then `file` is absent). A union
 * on `status`: a `done` item always has its `result`, a failed one its `error`.
 */
export type UploadItem = ActiveUploadItem | DoneUploadItem | FailedUploadItem | CancelledUploadItem;

/** A file refused before upload, kept on screen with its reason until dismissed. */
export interface RejectedFile {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly code: ErrorCode;
  /** The file the user chose. */
  readonly file: File;
}

/**
 * The TanStack Query mutation key of every upload, for `useIsMutating({ mutationKey:
 * UPLOAD_MUTATION_KEY })`, a `MutationCache` filter or the devtools.
 */
export const UPLOAD_MUTATION_KEY = ['ghl-attachments', 'upload'] as const;
