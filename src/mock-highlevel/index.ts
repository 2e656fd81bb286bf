export {
  createMockHighLevel,
  type MockHighLevel,
  type MockHighLevelOptions,
  type MockFault,
  type MockSendFault,
  type MockConversation,
  type MockConversationType,
  type MockMessage,
  type MockLocation,
  type MockOAuthApp,
  type MockHighLevelStats,
  type MockToken,
  type MockUser,
} from './create-mock-highlevel.js';
export type { StoredFile } from './handle-upload.js';
export type { RateLimits } from './rate-limiter.js';
export {
  startMockHighLevel,
  type RunningMockHighLevel,
  type StartMockHighLevelOptions,
} from './start-mock-highlevel.js';
export { encryptUserContext } from './encrypt-user-context.js';
export { mockUserContext } from './custom-page-stand-in.js';
