import { DEFAULT_FILE_TYPES, describeFileTypes } from '../shared/file-types.js';
import { DEFAULT_MAX_FILE_SIZE, formatBytes } from '../shared/limits.js';
import { FileRow } from './file-row.js';
import { DEFAULT_MESSAGES, errorText, formatMessage, type UploaderMessages } from './messages.js';
import { DEFAULT_MAX_FILES_IN_LIST, useAttachmentUploader, type AttachmentUploaderOptions } from './use-attachment-uploader.js';

/** Props of {@link AttachmentUploader}: the hook's options, and how it looks. */
export interface AttachmentUploaderProps extends AttachmentUploaderOptions {
  /** Every string shown. Default: English ({@link DEFAULT_MESSAGES}). */
  messages?: Partial<UploaderMessages>;
  /** Added to the root element's class. Default: none. */
  className?: string;
  /** `light`, `dark`, or `auto` (the user's setting). Default: `light`. */
  theme?: 'light' | 'dark' | 'auto';
}

/**
 * The ready-made uploader: a dropzone that says what it accepts, refused files with their
 * reason, and each upload with its progress, then its preview.
 */
export function AttachmentUploader({ messages: messageOverrides, className, theme = 'light', ...options }: AttachmentUploaderProps) {
  const uploader = useAttachmentUploader(options);
  const messages = { ...DEFAULT_MESSAGES, ...messageOverrides };
  const allowedTypes = options.allowedTypes ?? DEFAULT_FILE_TYPES;
  const limits = {
    types: describeFileTypes(allowedTypes),
    maxSize: formatBytes(options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE),
    maxFiles: options.maxFiles ?? DEFAULT_MAX_FILES_IN_LIST,
  };
  const ready = Boolean(options.conversationId) && !options.disabled;

  return (
    <div className={['ghl-att', className].filter(Boolean).join(' ')} data-theme={theme}>
      <div
        {...uploader.getRootProps({
          className: 'ghl-att-dropzone',
          'aria-disabled': !ready || undefined,
          'data-drag-active': uploader.isDragActive || undefined,
        })}
      >
        <input {...uploader.getInputProps()} />
        <p className="ghl-att-drop-title">{uploader.isDragActive ? messages.dragActive : messages.dropTitle}</p>
        <p className="ghl-att-drop-action">{ready ? messages.dropAction : messages.noConversation}</p>
        <p className="ghl-att-limits">{formatMessage(messages.limits, limits)}</p>
      </div>

      {uploader.rejections.length > 0 && (
        <ul className="ghl-att-rejections" aria-label={messages.refusedTitle}>
          {uploader.rejections.map((rejection) => (
            <li key={rejection.id} className="ghl-att-rejection" data-code={rejection.code}>
              <span className="ghl-att-name">{rejection.name}</span>
              <span className="ghl-att-reason">{errorText(messages, rejection.code, limits)}</span>
              <button
                type="button"
                onClick={() => uploader.dismiss(rejection.id)}
                aria-label={`${messages.dismiss} ${rejection.name}`}
              >
                {messages.dismiss}
              </button>
            </li>
          ))}
        </ul>
      )}

      {uploader.items.length > 0 && (
        <ul className="ghl-att-items">
          {uploader.items.map((item) => (
            <FileRow
              key={item.id}
              item={item}
              messages={messages}
              errorMessage={
                item.error && errorText(messages, item.error.code, { ...limits, seconds: item.error.retryAfter })
              }
              onCancel={uploader.cancel}
              onRetry={uploader.retry}
              onRemove={uploader.remove}
            />
          ))}
        </ul>
      )}
    </div>
  );
}
