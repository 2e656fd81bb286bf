import { randomBytes } from 'node:crypto';
import { resolveInstall, type ResolvedInstall } from './auth/install-route.js';
import { sessionKey, type HighLevelSessionUser } from './auth/session-token.js';
import { resolveFileTypes, type FileTypeSpec } from '../shared/file-types.js';
import { DEFAULT_MAX_FILE_SIZE, DEFAULT_MAX_FILES_PER_REQUEST } from '../shared/limits.js';
import { Admission } from './admission.js';
import { resolveLogger, type ResolvedLogger } from './logger.js';
import { Budget } from './budget.js';
import { MAX_TIMER_MS, wholeNumberOption } from '../shared/check-option.js';
import type { ClientAddressOptions } from './client-address.js';
import { DEFAULT_API_BASE, type Authorize, type HighLevelSsoOptions, type TokenProvider, type UploadHandlerOptions } from './options.js';
import { RateWindow } from './per-key-limits.js';
import { MESSAGE_TYPES, type MessageType } from '../shared/message-wire.js';
import { memoryStore } from './store/memory-store.js';
import type { SharedStore, SlotLimits } from './store/shared-store.js';

/** Who a request speaks for: its location, and with SSO its user. */
export interface Caller {
  locationId: string;
  user?: HighLevelSessionUser;
}

/** `highLevelSso`, resolved: the session key and the sign-in windows (per process). */
export interface ResolvedSso {
  key: Buffer;
  sharedSecret: string;
  ttlSeconds: number;
  perAddress: RateWindow;
  perLocation: RateWindow;
}

/** What a request may send and how fast: the file rules and the bounds on reading a body. */
export interface Limits {
  allowedTypes: readonly FileTypeSpec[];
  maxFileSize: number;
  maxFilesPerRequest: number;
  clientRateWindowMs: number;
  clientMinBytesPerSecond: number;
  /** What all requests together may hold while reading a file ahead. */
  readAhead: Budget;
  /** How long a request not authenticated yet may take to show who it is, in ms. */
  unauthenticatedDeadlineMs: number;
}

/** Which pages may call: this server's origin, the allowed ones, and what CORS lets them send. */
export interface Origins {
  /** `undefined`: the origin of the request's `Host`. */
  publicOrigin: string | undefined;
  allowedOrigins: ReadonlySet<string>;
  allowCredentials: boolean;
  /** Lower-case header names allowed origins may send. */
  allowedHeaders: readonly string[];
}

/** Who a caller is and what it may do: the host's checks, SSO, the install route, admission. */
export interface Callers {
  authorize: Authorize;
  authenticate: ((request: Request) => boolean | Promise<boolean>) | undefined;
  /** `authorize: 'anyone'`: every caller is known. */
  anyoneMayUpload: boolean;
  /** Set without SSO only; with SSO the location is the session's (see `resolveCaller`). */
  resolveLocationId: ((request: Request) => string | Promise<string>) | undefined;
  sso: ResolvedSso | undefined;
  install: ResolvedInstall | undefined;
  clientAddress: ClientAddressOptions;
  admission: Admission;
}

/** Signed preview links: their secret, how long they work, and the file URLs they may name. */
export interface Previews {
  previewSecret: string;
  previewTtlSeconds: number;
  /** Allowed file URL prefixes, e.g. `https://host/conversations-assets/`. */
  filePrefixes: readonly string[];
}

/** The way to HighLevel: the token, where its API is, how to call it, how long to wait. */
export interface HighLevel {
  getToken: TokenProvider;
  apiBase: string;
  /** Set only when the caller gave one. */
  fetch: typeof fetch | undefined;
  upstreamTimeoutMs: number;
}

/** What instances share: the store, and the pace of requests to HighLevel kept in it. */
export interface Shared {
  store: SharedStore;
  /** `undefined`: no pace (`rateLimit: false`). */
  rateLimit: SlotLimits | undefined;
}

/** The options, resolved once into the groups the modules take. */
export interface ResolvedOptions {
  limits: Limits;
  origins: Origins;
  callers: Callers;
  previews: Previews;
  highlevel: HighLevel;
  shared: Shared;
  /** `undefined`: the conversation's own channel only. */
  messageTypes: readonly MessageType[] | undefined;
  logger: ResolvedLogger;
}

const OWNER = 'createUploadHandler';

/** Headers the widget itself sends cross-origin. */
const WIDGET_HEADERS = ['x-requested-with', 'content-type', 'range', 'idempotency-key'];

/**
 * Reads the public (flat) options once, checks every one (a message naming the option), and
 * hands back the groups the modules take.
 */
export function resolveOptions(options: UploadHandlerOptions): ResolvedOptions {
  const { locationId } = options;
  const apiBase = (options.apiBase ?? DEFAULT_API_BASE).replace(/\/+$/, '');
  const logger = resolveLogger(options.logger, OWNER);
  if (typeof options.getToken !== 'function') throw new TypeError('createUploadHandler: `getToken` is required (staticToken(pit), oauthToken({...}) or your own).');
  if (!options.highLevelSso && (locationId === undefined || locationId === '')) {
    throw new TypeError('createUploadHandler: `locationId` is required (or `highLevelSso`, whose sessions carry the location).');
  }
  const sso = options.highLevelSso;
  if (sso && (typeof sso.sharedSecret !== 'string' || sso.sharedSecret.length < 16)) {
    throw new TypeError('createUploadHandler: `highLevelSso.sharedSecret` must be the app\'s Shared Secret (at least 16 characters).');
  }
  const rate = options.rateLimit === false ? undefined : (options.rateLimit ?? {});
  const number = (name: string, value: unknown, fallback: number, min: number, max: number) => wholeNumberOption(OWNER, name, value, fallback, min, max);
  return {
    limits: {
      allowedTypes: resolveFileTypes(options.allowedTypes),
      maxFileSize: number('maxFileSize', options.maxFileSize, DEFAULT_MAX_FILE_SIZE, 1, Number.MAX_SAFE_INTEGER),
      maxFilesPerRequest: number('maxFilesPerRequest', options.maxFilesPerRequest, DEFAULT_MAX_FILES_PER_REQUEST, 1, 1000),
      clientRateWindowMs: number('clientRateWindowMs', options.clientRateWindowMs ?? options.clientIdleTimeoutMs, 30_000, 100, MAX_TIMER_MS),
      clientMinBytesPerSecond: number('clientMinBytesPerSecond', options.clientMinBytesPerSecond ?? options.minClientBytesPerSecond, 1024, 1, 1e12),
      readAhead: new Budget(number('maxReadAheadBytes', options.maxReadAheadBytes, 64 * 1024 * 1024, 1, Number.MAX_SAFE_INTEGER)),
      unauthenticatedDeadlineMs: number('unauthenticatedDeadlineMs', options.unauthenticatedDeadlineMs, 5_000, 100, MAX_TIMER_MS),
    },
    origins: {
      publicOrigin: options.publicOrigin === undefined ? undefined : new URL(options.publicOrigin).origin,
      allowedOrigins: new Set((options.allowedOrigins ?? []).map((origin) => new URL(origin).origin)),
      allowCredentials: options.allowCredentials ?? false,
      // The session travels in Authorization where cookies cannot.
      allowedHeaders: [...WIDGET_HEADERS, ...(sso ? ['authorization'] : []), ...(options.allowedHeaders ?? []).map((name) => name.toLowerCase())],
    },
    callers: {
      authorize: resolveAuthorize(options.authorize),
      authenticate: resolveAuthenticate(options.authenticate),
      anyoneMayUpload: options.authorize === 'anyone',
      // Stryker disable next-line ConditionalExpression: without SSO an undefined locationId has thrown above
      resolveLocationId: sso || locationId === undefined ? undefined : typeof locationId === 'function' ? locationId : () => locationId,
      sso: sso ? resolveSso(sso) : undefined,
      install: resolveInstall(options.install),
      clientAddress: { trustedProxies: resolveTrustProxy(options.trustProxy), clientAddress: options.clientAddress },
      admission: new Admission({
        maxInFlight: number('maxUploadsInFlight', options.maxUploadsInFlight, 256, 1, 1_000_000),
        maxUnauthenticatedInFlight: number('maxUnauthenticatedInFlight', options.maxUnauthenticatedInFlight, 32, 1, 1_000_000),
        maxInFlightPerAddress: number('maxInFlightPerAddress', options.maxInFlightPerAddress, 32, 1, 1_000_000),
        maxUnauthenticatedPerAddress: number('maxUnauthenticatedPerAddress', options.maxUnauthenticatedPerAddress, 8, 1, 1_000_000),
        maxUploadsPerLocation: number('maxUploadsPerLocation', options.maxUploadsPerLocation, 128, 1, 1_000_000),
      }),
    },
    previews: {
      previewSecret: resolvePreviewSecret(options.previewSecret, logger),
      previewTtlSeconds: number('previewTtlSeconds', options.previewTtlSeconds, 7 * 24 * 3600, 1, 10 * 365 * 24 * 3600),
      filePrefixes: (options.fileOrigins ?? [apiBase]).flatMap((base) => {
        const url = new URL(base);
        const root = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
        return [`${root}/conversations-assets/`, `${root}/files/`];
      }),
    },
    highlevel: {
      getToken: options.getToken,
      apiBase,
      fetch: options.fetch,
      upstreamTimeoutMs: number('upstreamTimeoutMs', options.upstreamTimeoutMs, 60_000, 1, MAX_TIMER_MS),
    },
    shared: {
      store: options.sharedStore ?? memoryStore(),
      rateLimit: rate && {
        max: number('rateLimit.max', rate.max, 100, 1, 1_000_000),
        intervalMs: number('rateLimit.intervalMs', rate.intervalMs, 11_000, 1, MAX_TIMER_MS),
        maxWaitMs: number('rateLimit.maxWaitMs', rate.maxWaitMs, 30_000, 0, MAX_TIMER_MS),
      },
    },
    messageTypes: resolveMessageTypes(options.messageTypes),
    logger,
  };
}

function resolveAuthenticate(authenticate: UploadHandlerOptions['authenticate']): Callers['authenticate'] {
  if (authenticate === undefined || typeof authenticate === 'function') return authenticate;
  throw new TypeError('createUploadHandler: `authenticate` must be a function of the request.');
}

function resolveSso(sso: HighLevelSsoOptions): ResolvedSso {
  const perMinute = (name: 'signInsPerMinutePerAddress' | 'signInsPerMinutePerLocation', fallback: number) => {
    const value = sso[name] ?? fallback;
    if (!Number.isInteger(value) || value < 1 || value > 1_000_000) {
      throw new TypeError(`createUploadHandler: \`highLevelSso.${name}\` must be a whole number from 1 to 1,000,000.`);
    }
    return new RateWindow(value, 60_000);
  };
  return {
    key: sessionKey(sso.sharedSecret),
    sharedSecret: sso.sharedSecret,
    ttlSeconds: wholeNumberOption(OWNER, 'highLevelSso.sessionTtlSeconds', sso.sessionTtlSeconds, 900, 60, 7 * 24 * 3600),
    perAddress: perMinute('signInsPerMinutePerAddress', 30),
    perLocation: perMinute('signInsPerMinutePerLocation', 120),
  };
}

function resolveMessageTypes(types: readonly MessageType[] | undefined): readonly MessageType[] | undefined {
  if (types === undefined) return undefined;
  if (!Array.isArray(types) || types.length === 0 || types.some((type) => !MESSAGE_TYPES.includes(type))) {
    throw new TypeError(`createUploadHandler: \`messageTypes\` must list one or more of ${MESSAGE_TYPES.join(', ')}.`);
  }
  return [...new Set(types)];
}

function resolveTrustProxy(trustProxy: boolean | number | undefined): number {
  if (trustProxy === undefined || trustProxy === false) return 0;
  if (trustProxy === true) return 1;
  if (!Number.isInteger(trustProxy) || trustProxy < 0 || trustProxy > 16) {
    throw new TypeError('createUploadHandler: `trustProxy` must be true, false or a whole number of proxies from 0 to 16.');
  }
  return trustProxy;
}

function resolveAuthorize(authorize: UploadHandlerOptions['authorize'] | undefined): Authorize {
  if (typeof authorize === 'function') return authorize;
  if (authorize === 'anyone') return () => true;
  throw new TypeError(
    'createUploadHandler: `authorize` is required. Pass `authorize: (request, { action, conversationId, locationId }) => ' +
      'boolean` to decide who may upload and read previews with the server\'s token, or `authorize: \'anyone\'` to let ' +
      'every caller that reaches the route use it (demos, or behind a proxy that authenticates every request).',
  );
}

function resolvePreviewSecret(secret: string | undefined, logger: ResolvedLogger): string {
  if (secret !== undefined) {
    if (secret.length < 32) throw new TypeError('createUploadHandler: `previewSecret` must be at least 32 characters.');
    return secret;
  }
  logger.warn(
    // Stryker disable next-line StringLiteral: a log line's wording; that the warning is logged is tested
    'no previewSecret: preview links are signed with a random secret of this process. Several instances need one ' +
      // Stryker disable next-line StringLiteral: a log line's wording; that the warning is logged is tested
      'shared secret (previewSecret, GHL_PREVIEW_SECRET), or their links work only on the instance that made them.',
  );
  return randomBytes(32).toString('base64url');
}
