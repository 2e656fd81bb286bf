export { AttachmentPreview, type AttachmentPreviewProps, type PreviewSource } from './attachment-preview.js';
export { AttachmentUploader, type AttachmentUploaderProps } from './attachment-uploader.js';
export { GERMAN_MESSAGES } from './locales/de.js';
export { FRENCH_MESSAGES } from './locales/fr.js';
export { DEFAULT_MESSAGES, formatPlural, mergeMessages, type PluralMessage, type UploaderMessages, type UploaderMessagesInput } from './messages.js';
export {
  UPLOAD_MUTATION_KEY,
  type ActiveUploadItem,
  type CancelledUploadItem,
  type DoneUploadItem,
  type FailedUploadItem,
  type RejectedFile,
  type UploadItem,
  type UploadItemBase,
  type UploadStatus,
} from '../client/upload-item.js';
export type { HeadersInput } from '../client/uploader-options.js';
export {
  DEFAULT_MAX_FILES,
  summarizeItems,
  useAttachmentUploader,
  type AttachmentUploaderOptions,
  type AttachmentUploaderState,
} from './use-attachment-uploader.js';
