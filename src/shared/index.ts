export { MAX_FILE_NAME_LENGTH, checkFile, isSafeFileName, type FileRules } from './check-file.js';
export { ERROR_STATUS, codeForStatus, isErrorCode, type ErrorCode } from './error-codes.js';
export {
  DEFAULT_FILE_TYPES,
  EXTRA_FILE_TYPES,
  acceptAttribute,
  resolveFileTypes,
  describeFileTypes,
  extensionOf,
  findFileType,
  type FileTypeId,
  type FileTypeInput,
  type FileTypeSpec,
  type MagicFamily,
  type PreviewKind,
} from './file-types.js';
export { DEFAULT_MAX_FILES_PER_REQUEST, DEFAULT_MAX_FILE_SIZE, formatBytes } from './limits.js';
export { DEFAULT_ERROR_MESSAGES, formatMessage } from './messages.js';
export {
  IDEMPOTENCY_KEY_HEADER,
  IDEMPOTENT_REPLAYED_HEADER,
  MAX_ATTACHMENTS_PER_MESSAGE,
  MESSAGES_PATH,
  MESSAGE_TYPES,
  type MessageType,
  type SendMessageRequestBody,
  type SendMessageResponseBody,
} from './message-wire.js';
export { UploadError, isUploadError, uploadError, type UploadErrorDetails } from './upload-error.js';
export {
  CONVERSATION_ID_FIELD,
  FILE_FIELD,
  POLICY_PATH,
  REQUESTED_WITH_HEADER,
  REQUESTED_WITH_VALUE,
  type ErrorResponseBody,
  type PolicyFileType,
  type UploadPolicy,
  type UploadResponseBody,
  type UploadedFile,
} from './wire.js';
