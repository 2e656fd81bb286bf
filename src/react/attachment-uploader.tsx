import { useCallback, useId, useMemo } from 'react';
import { describeFileTypes } from '../shared/file-types.js';
import { formatBytes } from '../shared/limits.js';
import type { PreviewSource } from './attachment-preview.js';
import { FileRow } from './file-row.js';
import { RefusalList } from './refusal-list.js';
import { DEFAULT_MESSAGES, errorText, formatMessage, mergeMessages, type UploaderMessagesInput } from './messages.js';
import type { RejectedFile, UploadItem } from '../client/upload-item.js';
import { useAnnouncements } from './use-announcements.js';
import { useAttachmentUploader, type AttachmentUploaderOptions } from './use-attachment-uploader.js';

/** Props of {@link AttachmentUploader}: the hook's options, and how it looks. */
export interface AttachmentUploaderProps extends AttachmentUploaderOptions {
  /**
   * Strings to show instead of the English ones ({@link DEFAULT_MESSAGES}): a whole locale
   * (`FRENCH_MESSAGES`), or any few, error words included (`{ errors: { 'file-too-large': … } }`).
   * `{name}`-style placeholders are filled in. Default: English.
   */
  messages?: UploaderMessagesInput;
  /** Added to the root element's class. Default: none. */
  className?: string;
  /** `light`, `dark`, or `auto` (the user's setting). Default: `light`. */
  theme?: 'light' | 'dark' | 'auto';
  /**
   * Where previews (images, video, audio, PDF) are read from. `'server'`: each file's
   * `previewUrl`, the BFF's signed `GET ?preview=` link, read with the server's token, so that
   * previews outlive the hour HighLevel keeps a secure attachment's URL public; a file without
   * one (from a saved `value`) shows its `url`. `'highlevel'`: always HighLevel's `url`. The open
   * and copy links are HighLevel's `url` either way. Default: `'server'`.
   */
  previewFrom?: PreviewSource;
}

/**
 * The ready-made uploader: a dropzone that says what it accepts, refused files with their
 * reason, and each upload with its progress, then its preview; a polite live region tells
 * screen-reader users what happened.
 */
export function AttachmentUploader({
  messages: messageOverrides,
  className,
  theme = 'light',
  previewFrom = 'server',
  ...options
}: AttachmentUploaderProps) {
  const uploader = useAttachmentUploader(options);
  const messages = useMemo(() => mergeMessages(messageOverrides, DEFAULT_MESSAGES), [messageOverrides]);
  // The rules in force: the props, narrowed by the BFF's policy once it has answered.
  const { rules } = uploader;
  const limits = useMemo(
    () => ({ types: describeFileTypes(rules.allowedTypes), maxSize: formatBytes(rules.maxFileSize, messages.locale), maxFiles: rules.maxFiles }),
    [rules, messages.locale],
  );
  const describeError = useCallback(
    (item: UploadItem, seconds: number) =>
      item.status === 'error'
        ? errorText(messages, item.error.code, { ...limits, seconds: item.retryAt ? seconds : item.error.retryAfter })
        : '',
    [messages, limits],
  );
  const reasonOf = useCallback(
    (entry: UploadItem | RejectedFile) =>
      'code' in entry ? errorText(messages, entry.code, limits) : describeError(entry, entry.status === 'error' ? (entry.error.retryAfter ?? 0) : 0),
    [messages, limits, describeError],
  );
  const announcement = useAnnouncements(uploader.items, uploader.rejections, messages, reasonOf);
  const ready = Boolean(options.conversationId) && !options.disabled;
  const id = useId();
  const failed = uploader.items.some((item) => item.status === 'error' && item.file);
  const finished = uploader.items.some((item) => item.status === 'done' || item.status === 'cancelled');

  return (
    <div className={['ghl-att', className].filter(Boolean).join(' ')} data-theme={theme}>
      <div
        {...uploader.getRootProps({
          className: 'ghl-att-dropzone',
          // The control is the button inside: the zone itself is not a second tab stop.
          tabIndex: undefined,
          'data-disabled': !ready || undefined,
          'data-drag-active': uploader.isDragActive || undefined,
          'data-drag-reject': uploader.isDragReject || undefined,
        })}
      >
        <input {...uploader.getInputProps()} />
        {/* Bold, but no heading of the host page's outline: a div, not a styled paragraph. */}
        <div className="ghl-att-drop-title" id={`${id}-title`}>
          {uploader.isDragReject ? messages.dragReject : uploader.isDragActive ? messages.dragActive : messages.dropTitle}
        </div>
        {/* A click (or Enter, Space) reaches the zone, which opens the picker: one handler for both. */}
        <button
          type="button"
          className="ghl-att-choose"
          aria-disabled={!ready || undefined}
          aria-describedby={`${id}-title ${id}-limits`}
        >
          {messages.chooseFiles}
        </button>
        {!ready && <p className="ghl-att-drop-action">{messages.noConversation}</p>}
        <p className="ghl-att-limits" id={`${id}-limits`}>
          {formatMessage(messages.limits, limits)}
        </p>
      </div>

      <RefusalList
        rejections={uploader.rejections}
        messages={messages}
        reasonOf={reasonOf}
        onDismiss={(ids) => uploader.dismiss(...ids)}
      />

      {(failed || finished) && (
        <div className="ghl-att-toolbar">
          {failed && (
            <button type="button" onClick={uploader.retryAllFailed}>
              {messages.retryAll}
            </button>
          )}
          {finished && (
            <button type="button" onClick={uploader.clearFinished}>
              {messages.clearFinished}
            </button>
          )}
        </div>
      )}

      {uploader.items.length > 0 && (
        <ul className="ghl-att-items">
          {uploader.items.map((item) => (
            <FileRow
              key={item.id}
              item={item}
              messages={messages}
              describeError={describeError}
              onCancel={uploader.cancel}
              onRetry={uploader.retry}
              onRemove={uploader.remove}
              previewFrom={previewFrom}
            />
          ))}
        </ul>
      )}

      <div className="ghl-att-live" role="status" aria-live="polite">
        {announcement}
      </div>
    </div>
  );
}
