export { INSTALL_CALLBACK_PATH, installRoute } from './install-route.js';
export { oauthToken, type InstalledLocation, type OAuthTokenOptions, type OAuthTokenProvider } from './oauth-token.js';
export { SESSION_COOKIE, openSession, resolveCaller, type SessionAnswer } from './session.js';
export { signSession, verifySession, sessionKey, type HighLevelSessionUser } from './session-token.js';
export { decryptUserContext, type HighLevelUserContext } from './sso-payload.js';
export { sharedTokenStore, type OAuthTokens, type TokenStore } from './token-store.js';
