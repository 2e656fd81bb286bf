/**
 * ghl-attachments/client: the uploader without a framework, for Vue, Svelte, Angular or a plain
 * page — the same core the React widget and the `<ghl-attachments>` element run on.
 */
export { DEFAULT_MAX_FILES, DEFAULT_STALL_TIMEOUT_MS, Uploader } from './uploader.js';
export { defaultQueryClient } from './query-runtime.js';
export type { HeadersInput, UploaderOptions, UploaderState } from './uploader-options.js';
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
} from './upload-item.js';
export { errorMessage } from './error-message.js';
export { RETRYABLE_SEND_CODES, sendMessage, type SendMessageOptions } from './send-message.js';
export { summarizeItems, type UploadSummary } from './summarize-items.js';
export { narrowRules, type OwnRules, type UploadRules } from './narrow-rules.js';
export { POLICY_QUERY_KEY, cachedPolicy, policyUrl } from './upload-policy.js';
export { readPolicy } from './load-policy.js';
export { DEFAULT_ENDPOINT, uploadFile, warmUploadClient, type UploadFileOptions, type UploadProgress } from './upload-file.js';
export {
  DEFAULT_ERROR_MESSAGES,
  DEFAULT_FILE_TYPES,
  DEFAULT_MAX_FILE_SIZE,
  EXTRA_FILE_TYPES,
  POLICY_PATH,
  UploadError,
  acceptAttribute,
  describeFileTypes,
  formatBytes,
  formatMessage,
  isUploadError,
  type ErrorCode,
  type FileTypeId,
  type FileTypeInput,
  type FileTypeSpec,
  type PolicyFileType,
  type UploadPolicy,
  type UploadedFile,
} from '../shared/index.js';
