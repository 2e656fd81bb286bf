export { AttachmentPreview, type AttachmentPreviewProps, type PreviewSource } from './attachment-preview.js';
export { AttachmentUploader, type AttachmentUploaderProps } from './attachment-uploader.js';
export { AttachmentComposer, type AttachmentComposerProps } from './composer.js';
export {
  DEFAULT_COMPOSER_MESSAGES,
  FRENCH_COMPOSER_MESSAGES,
  GERMAN_COMPOSER_MESSAGES,
  composerMessagesFor,
  type ComposerMessages,
} from './composer-messages.js';
export {
  SEND_MUTATION_KEY,
  useSendMessage,
  type SendMessageInput,
  type SendMessageState,
  type UseSendMessageOptions,
} from './use-send-message.js';
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
