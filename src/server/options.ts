import { randomBytes } from 'node:crypto';
import { resolveFileTypes, type FileTypeInput, type FileTypeSpec } from '../shared/file-types.js';
import { DEFAULT_MAX_FILE_SIZE, DEFAULT_MAX_FILES_PER_REQUEST } from '../shared/limits.js';
import { Budget } from './budget.js';

/** Hands out a HighLevel access token for each upload. */
export type TokenProvider = () => string | Promise<string>;

/** What `authorize` is asked about. */
export interface AuthorizeContext {
  /** `upload`: files are about to be sent; `preview`: a stored file is about to be read. */
  action: 'upload' | 'preview';
  conversationId: string;
  locationId: string;
}

/** The host app's decision: may this request use the token for this conversation? */
export type Authorize = (request: Request, context: AuthorizeContext) => boolean | Promise<boolean>;

/** Where log lines go. Lines never contain the token. Default: nothing is logged. */
export interface Logger {
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

/** Options of `createUploadHandler`. */
export interface UploadHandlerOptions {
  /**
   * The sub-account's token: a Private Integration Token (see `staticToken`) or any provider,
   * called once per upload. Required. It never leaves the server.
   */
  getToken: TokenProvider;
  /**
   * The sub-account (HighLevel location) uploads go to, or a function that picks it per request.
   * Bound on the server: a `locationId` sent by the browser is never forwarded. Required.
   */
  locationId: string | ((request: Request) => string | Promise<string>);
  /**
   * Who may use the server's token: the host app's own check of the user, run before any byte
   * goes to HighLevel (`action: 'upload'`, once the conversation is known) and before a preview is
   * read (`action: 'preview'`, with the conversation the signed preview link was made for).
   * Return `false` to answer 401 `unauthorized`, or throw an `UploadError` to answer with its
   * code. Required: a BFF with no check lends the token to anyone who can reach it. `'anyone'`
   * is the explicit opt-out, for demos or behind a proxy that already authenticates every caller.
   */
  authorize: Authorize | 'anyone';
  /** HighLevel's API base URL. Default: `https://services.leadconnectorhq.com`. */
  apiBase?: string;
  /**
   * Origins whose pages may use the route from another origin, e.g. `https://app.example.com`:
   * their CORS preflights are approved, their answers carry CORS headers. The handler's own
   * origin is always allowed. Default: none besides it.
   */
  allowedOrigins?: readonly string[];
  /**
   * Let allowed origins send cookies (`Access-Control-Allow-Credentials`), for an `authorize`
   * that reads the host app's session cookie. Default: `false`.
   */
  allowCredentials?: boolean;
  /**
   * Request headers allowed origins may send besides the widget's own (`X-Requested-With`,
   * `Content-Type`, `Range`), e.g. `['Authorization']` for a host app's bearer auth. Default: none.
   */
  allowedHeaders?: readonly string[];
  /**
   * This server's origin as browsers see it, e.g. `https://app.example.com`: the origin checks
   * and preview links use it instead of the `Host` header. Set it behind a TLS-terminating proxy
   * (the `Host` then says `http`) and wherever DNS rebinding matters. Default: from `Host`.
   */
  publicOrigin?: string;
  /**
   * Secret that signs preview links (HMAC-SHA256), at least 32 characters. Every instance
   * behind one load balancer needs the same. Default: a random one per process (links then die
   * with the process; a warning is logged).
   */
  previewSecret?: string;
  /** How long a preview link works, in seconds. Default: 604,800 (7 days). */
  previewTtlSeconds?: number;
  /**
   * Base URLs (an origin, and a path prefix if any) of HighLevel's file hosts, that `GET ?url=`
   * may read from with the server's token: e.g. the domain in the URLs HighLevel returns. Only
   * their `/conversations-assets/` and `/files/` paths are read; nothing else is ever fetched
   * (no open proxy). Default: `apiBase`.
   */
  fileOrigins?: readonly string[];
  /**
   * Allowed types, by id (`['PDF', 'PNG', 'HEIC']`, from the seed's 13 and `EXTRA_FILE_TYPES`) or
   * as specs of your own. Default: the seed's 13.
   */
  allowedTypes?: readonly FileTypeInput[];
  /** Bytes per file; a file of exactly this size passes. Default: 5,242,880 (HighLevel's 5 MB). */
  maxFileSize?: number;
  /** Files per request. Default: 5 (HighLevel's limit). */
  maxFilesPerRequest?: number;
  /**
   * How long HighLevel may go without taking a byte of the upload, and then without answering
   * once it has every byte, in ms; past it the upload is aborted (`highlevel-timeout`).
   * Default: 60,000.
   */
  upstreamTimeoutMs?: number;
  /**
   * The window over which the browser's sending rate is judged, in ms: a client that sends less
   * than `minClientBytesPerSecond` over a whole window (while the server is ready to read) is
   * dropped with 408 `request-timeout`. Default: 30,000.
   */
  clientIdleTimeoutMs?: number;
  /** The slowest sending rate tolerated, in bytes per second. Default: 1,024. */
  minClientBytesPerSecond?: number;
  /**
   * Bytes all requests together may hold while reading a file ahead (chunked requests, several
   * large files in one request). Past it: 503 `server-busy` with `Retry-After`. Default: 64 MiB.
   */
  maxReadAheadBytes?: number;
  /** Uploads handled at once; one more gets 503 `server-busy`. Default: 256. */
  maxUploadsInFlight?: number;
  /**
   * A `fetch` to call HighLevel with, for runtimes without `node:http`. Default: uploads go
   * through Node's HTTP client (less copying), previews through `globalThis.fetch`.
   */
  fetch?: typeof fetch;
  /** Default: none. */
  logger?: Logger;
}

export interface ResolvedOptions {
  getToken: TokenProvider;
  resolveLocationId: (request: Request) => string | Promise<string>;
  authorize: Authorize;
  clientIdleTimeoutMs: number;
  minClientBytesPerSecond: number;
  apiBase: string;
  allowedOrigins: ReadonlySet<string>;
  allowCredentials: boolean;
  /** Lower-case header names allowed origins may send. */
  allowedHeaders: readonly string[];
  publicOrigin: string | undefined;
  previewSecret: string;
  previewTtlSeconds: number;
  /** Allowed file URL prefixes, e.g. `https://host/conversations-assets/`. */
  filePrefixes: readonly string[];
  allowedTypes: readonly FileTypeSpec[];
  maxFileSize: number;
  maxFilesPerRequest: number;
  upstreamTimeoutMs: number;
  readAhead: Budget;
  uploadsInFlight: Budget;
  /** Set only when the caller gave one. */
  fetch: typeof fetch | undefined;
  logger: Logger;
}

export const DEFAULT_API_BASE = 'https://services.leadconnectorhq.com';

/** Headers the widget itself sends cross-origin. */
const WIDGET_HEADERS = ['x-requested-with', 'content-type', 'range'];

export function resolveOptions(options: UploadHandlerOptions): ResolvedOptions {
  const { locationId } = options;
  const apiBase = (options.apiBase ?? DEFAULT_API_BASE).replace(/\/+$/, '');
  const logger = options.logger ?? {};
  return {
    getToken: options.getToken,
    resolveLocationId: typeof locationId === 'function' ? locationId : () => locationId,
    authorize: resolveAuthorize(options.authorize),
    clientIdleTimeoutMs: options.clientIdleTimeoutMs ?? 30_000,
    minClientBytesPerSecond: options.minClientBytesPerSecond ?? 1024,
    apiBase,
    filePrefixes: (options.fileOrigins ?? [apiBase]).flatMap((base) => {
      const url = new URL(base);
      const root = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
      return [`${root}/conversations-assets/`, `${root}/files/`];
    }),
    allowedOrigins: new Set((options.allowedOrigins ?? []).map((origin) => new URL(origin).origin)),
    allowCredentials: options.allowCredentials ?? false,
    allowedHeaders: [...WIDGET_HEADERS, ...(options.allowedHeaders ?? []).map((name) => name.toLowerCase())],
    publicOrigin: options.publicOrigin === undefined ? undefined : new URL(options.publicOrigin).origin,
    previewSecret: resolvePreviewSecret(options.previewSecret, logger),
    previewTtlSeconds: options.previewTtlSeconds ?? 7 * 24 * 3600,
    allowedTypes: resolveFileTypes(options.allowedTypes),
    maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    maxFilesPerRequest: options.maxFilesPerRequest ?? DEFAULT_MAX_FILES_PER_REQUEST,
    upstreamTimeoutMs: options.upstreamTimeoutMs ?? 60_000,
    readAhead: new Budget(options.maxReadAheadBytes ?? 64 * 1024 * 1024),
    uploadsInFlight: new Budget(options.maxUploadsInFlight ?? 256),
    fetch: options.fetch,
    logger,
  };
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

function resolvePreviewSecret(secret: string | undefined, logger: Logger): string {
  if (secret !== undefined) {
    if (secret.length < 32) throw new TypeError('createUploadHandler: `previewSecret` must be at least 32 characters.');
    return secret;
  }
  logger.warn?.(
    'no previewSecret: preview links are signed with a random secret of this process. Several instances need one ' +
      'shared secret (previewSecret, GHL_PREVIEW_SECRET), or their links work only on the instance that made them.',
  );
  return randomBytes(32).toString('base64url');
}

/** A provider for a token that does not expire, such as a Private Integration Token. */
export function staticToken(token: string): TokenProvider {
  if (!token) throw new TypeError('staticToken: the token is empty');
  return () => token;
}
