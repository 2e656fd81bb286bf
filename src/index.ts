/**
 * ghl-attachments: the React widget and hook, the upload client, and the shared types and
 * error codes. The BFF is `ghl-attachments/server`, the mock `ghl-attachments/mock`, the custom
 * element `ghl-attachments/embed`.
 */
export {
  AttachmentPreview,
  AttachmentUploader,
  DEFAULT_MAX_FILES,
  DEFAULT_MESSAGES,
  FRENCH_MESSAGES,
  GERMAN_MESSAGES,
  UPLOAD_MUTATION_KEY,
  mergeMessages,
  summarizeItems,
  useAttachmentUploader,
  type ActiveUploadItem,
  type AttachmentPreviewProps,
  type AttachmentUploaderOptions,
  type AttachmentUploaderProps,
  type AttachmentUploaderState,
  type CancelledUploadItem,
  type DoneUploadItem,
  type FailedUploadItem,
  type HeadersInput,
  type PluralMessage,
  type PreviewSource,
  type RejectedFile,
  type UploadItem,
  type UploadItemBase,
  type UploadStatus,
  type UploaderMessages,
  type UploaderMessagesInput,
} from './react/index.js';
export { DEFAULT_ENDPOINT, uploadFile, type UploadFileOptions, type UploadProgress } from './client/upload-file.js';
export {
  DEFAULT_ERROR_MESSAGES,
  DEFAULT_FILE_TYPES,
  DEFAULT_MAX_FILE_SIZE,
  DEFAULT_MAX_FILES_PER_REQUEST,
  ERROR_STATUS,
  EXTRA_FILE_TYPES,
  UploadError,
  checkFile,
  isUploadError,
  resolveFileTypes,
  type ErrorCode,
  type FileTypeId,
  type FileTypeInput,
  type FileTypeSpec,
  type PreviewKind,
  type UploadedFile,
} from './shared/index.js';
