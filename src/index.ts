/**
 * ghl-attachments: the React widget and hook, the upload client, and the shared types and
 * error codes. The BFF is `ghl-attachments/server`, the mock `ghl-attachments/mock`.
 */
export {
  AttachmentPreview,
  AttachmentUploader,
  DEFAULT_MESSAGES,
  FRENCH_MESSAGES,
  useAttachmentUploader,
  type AttachmentPreviewProps,
  type AttachmentUploaderOptions,
  type AttachmentUploaderProps,
  type AttachmentUploaderState,
  type PreviewSource,
  type RejectedFile,
  type UploadItem,
  type UploadStatus,
  type UploaderMessages,
} from './react/index.js';
export { DEFAULT_ENDPOINT, toUploadError, uploadFile, type UploadFileOptions, type UploadProgress } from './client/index.js';
export {
  DEFAULT_ERROR_MESSAGES,
  DEFAULT_FILE_TYPES,
  DEFAULT_MAX_FILES_PER_REQUEST,
  DEFAULT_MAX_FILE_SIZE,
  ERROR_STATUS,
  UploadError,
  checkFile,
  isUploadError,
  type ErrorCode,
  type FileTypeSpec,
  type PreviewKind,
  type UploadedFile,
} from './shared/index.js';
