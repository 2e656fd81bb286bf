import { memo } from 'react';
import { formatBytes } from '../shared/limits.js';
import { AttachmentPreview, type PreviewSource } from './attachment-preview.js';
import { LocalPreview } from './local-preview.js';
import { formatMessage, type UploaderMessages } from './messages.js';
import type { UploadItem } from '../client/upload-item.js';
import { useSecondsUntil } from './use-seconds-until.js';

/** Props of {@link FileRow}. */
export interface FileRowProps {
  item: UploadItem;
  messages: UploaderMessages;
  /** The words for an error code, with `{seconds}` filled for a countdown. */
  describeError: (item: UploadItem, seconds: number) => string;
  onCancel: (id: string) => void;
  onRetry: (id: string) => void;
  onRemove: (id: string) => void;
  /** Where previews are read from (see {@link AttachmentPreview}). Default: `'server'`. */
  previewFrom?: PreviewSource;
}

/**
 * One file: name and size, its progress or outcome, and what can be done with it. Memoised: a
 * progress update of one upload re-renders that row only.
 */
export const FileRow = memo(function FileRow({ item, messages, describeError, onCancel, onRetry, onRemove, previewFrom }: FileRowProps) {
  const { status } = item;
  const file = { name: item.name, size: item.size };
  const percent = Math.floor(item.progress * 100);
  const seconds = useSecondsUntil(status === 'error' ? item.retryAt : undefined);
  const statusText =
    status === 'uploading'
      ? formatMessage(messages.uploading, { percent })
      : status === 'error'
        ? describeError(item, seconds)
        : messages[status];
  // An upload waiting to retry by itself (a rate limit, a busy server) can still be cancelled.
  const active =
    status === 'queued' || status === 'shrinking' || status === 'uploading' || status === 'processing' || (status === 'error' && item.retryAt !== undefined);
  return (
    <li className="ghl-att-item" data-status={status}>
      <div className="ghl-att-item-head">
        <span className="ghl-att-name" title={file.name}>
          {file.name}
        </span>
        <span className="ghl-att-size">
          {item.shrunkFrom
            ? formatMessage(item.sentAs ? messages.shrunkSentAs : messages.shrunk, {
                from: formatBytes(item.shrunkFrom, messages.locale),
                to: formatBytes(file.size, messages.locale),
                sentAs: item.sentAs,
              })
            : formatBytes(file.size, messages.locale)}
        </span>
        <span className="ghl-att-actions">
          {active && (
            <button type="button" onClick={() => onCancel(item.id)} aria-label={formatMessage(messages.cancelFile, { name: file.name })}>
              {messages.cancel}
            </button>
          )}
          {(status === 'error' || status === 'cancelled') && item.file && (
            <button type="button" onClick={() => onRetry(item.id)} aria-label={formatMessage(messages.retryFile, { name: file.name })}>
              {messages.retry}
            </button>
          )}
          {!active && (
            <button type="button" onClick={() => onRemove(item.id)} aria-label={formatMessage(messages.removeFile, { name: file.name })}>
              {messages.remove}
            </button>
          )}
        </span>
      </div>
      {(status === 'uploading' || status === 'processing' || status === 'queued' || status === 'shrinking') && (
        <progress
          className="ghl-att-progress"
          max={100}
          // Shrinking has no share to show: an indeterminate bar says work is going on.
          value={status === 'shrinking' ? undefined : status === 'queued' ? 0 : percent}
          aria-label={formatMessage(messages.progressLabel, { name: file.name })}
        />
      )}
      <p className="ghl-att-status" data-error={status === 'error' || undefined}>
        {statusText}
      </p>
      {active && item.file && <LocalPreview file={item.file} />}
      {status === 'done' && <AttachmentPreview file={item.result} messages={messages} previewFrom={previewFrom} />}
    </li>
  );
});
