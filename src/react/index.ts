export { AttachmentPreview, type AttachmentPreviewProps, type PreviewSource } from './attachment-preview.js';
export { AttachmentUploader, type AttachmentUploaderProps } from './attachment-uploader.js';
export { FRENCH_MESSAGES } from './locales/fr.js';
export { DEFAULT_MESSAGES, type UploaderMessages } from './messages.js';
export type { RejectedFile, UploadItem, UploadStatus } from './upload-store.js';
export {
  useAttachmentUploader,
  type AttachmentUploaderOptions,
  type AttachmentUploaderState,
} from './use-attachment-uploader.js';
