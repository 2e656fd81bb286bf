export { createUploadHandler, type FetchHandler } from './create-upload-handler.js';
export { deploymentFromEnv, optionsFromEnv, type EnvOptions, type HighLevelEnv } from './env-options.js';
export { HIGHLEVEL_API_VERSION } from './forward-upload.js';
export { HIGHLEVEL_APP_ORIGINS, frameAncestorsPolicy } from './frame-policy.js';
export { MAX_RETRY_AFTER_SECONDS, mapHighLevelError, retryAfterSeconds } from './map-highlevel-error.js';
export { toNodeHandler, type NodeHandler } from './node-adapter.js';
export {
  oauthToken,
  type OAuthTokenOptions,
  type OAuthTokenProvider,
  type OAuthTokens,
  type TokenStore,
} from './oauth-token.js';
export {
  DEFAULT_API_BASE,
  staticToken,
  type Authorize,
  type AuthorizeContext,
  type Logger,
  type TokenProvider,
  type UploadHandlerOptions,
} from './options.js';
