import type { UploadItem, UploadStatus } from './upload-item.js';

/** What a composer needs to know at a glance. */
export interface UploadSummary {
  /** Some file is waiting, being made to fit, sending, or waiting to retry by itself: keep Send disabled. */
  isUploading: boolean;
  /** Rows by status. */
  counts: Readonly<Record<UploadStatus, number>>;
  /** Share of the bytes of the files still in progress that have been sent, 0 to 1; 1 when none is. */
  progress: number;
}

const IN_PROGRESS: ReadonlySet<UploadStatus> = new Set(['queued', 'shrinking', 'uploading', 'processing']);

/** What a composer needs to know at a glance: counts, whether anything is still going, how far. */
export function summarizeItems(items: readonly UploadItem[]): UploadSummary {
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
