export { createUploadHandler, type FetchHandler, type UploadHandler } from './create-upload-handler.js';
export { appOptionsFromEnv, deploymentFromEnv, optionsFromEnv, type AppEnvOptions, type EnvOptions, type HighLevelEnv } from './env-options.js';
export { HIGHLEVEL_API_VERSION } from './forward-upload.js';
export { HIGHLEVEL_APP_ORIGINS, frameAncestorsPolicy } from './frame-policy.js';
export { toNodeHandler, type NodeHandler, type NodeHandlerOptions } from './node-adapter.js';
export {
  SESSION_COOKIE,
  decryptUserContext,
  oauthToken,
  sharedTokenStore,
  type HighLevelSessionUser,
  type HighLevelUserContext,
  type InstalledLocation,
  type OAuthTokenOptions,
  type OAuthTokenProvider,
  type OAuthTokens,
  type SessionAnswer,
  type TokenStore,
} from './auth/index.js';
export { memoryStore, redisStore, type RedisClientLike, type RedisStoreOptions, type SharedStore, type SlotLimits, type SlotReservation } from './store/index.js';
export {
  DEFAULT_API_BASE,
  staticToken,
  type Authorize,
  type AuthorizeContext,
  type HighLevelSsoOptions,
  type Logger,
  type RateLimitOptions,
  type TokenContext,
  type TokenProvider,
  type UploadHandlerOptions,
} from './options.js';
// What a server needs of the shared model: the error to throw from `authorize`, the codes, and
// the file-type tables for `allowedTypes`.
export {
  DEFAULT_ERROR_MESSAGES,
  DEFAULT_FILE_TYPES,
  DEFAULT_MAX_FILE_SIZE,
  ERROR_STATUS,
  EXTRA_FILE_TYPES,
  UploadError,
  isUploadError,
  uploadError,
  type ErrorCode,
  type FileTypeId,
  type FileTypeInput,
  type FileTypeSpec,
  type UploadedFile,
  MESSAGE_TYPES,
  type MessageType,
  type SendMessageRequestBody,
  type SendMessageResponseBody,
} from '../shared/index.js';
