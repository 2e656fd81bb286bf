import { DEFAULT_FILE_TYPES, type FileTypeSpec } from '../shared/file-types.js';
import { DEFAULT_MAX_FILE_SIZE, DEFAULT_MAX_FILES } from '../shared/limits.js';

/** Hands out a HighLevel access token for each upload. */
export type TokenProvider = () => string | Promise<string>;

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
   * The host app's own check of the user, run once the conversation is known and before any
   * byte goes to HighLevel. Return `false` to answer 401 `unauthorized`, or throw an
   * `UploadError` to answer with its code. Default: everyone may upload.
   */
  authorize?: (request: Request, context: { conversationId: string }) => boolean | Promise<boolean>;
  /** HighLevel's API base URL. Default: `https://services.leadconnectorhq.com`. */
  apiBase?: string;
  /**
   * Origins whose pages may post uploads, e.g. `https://app.example.com`. The handler's own
   * origin is always allowed. Default: none besides it.
   */
  allowedOrigins?: readonly string[];
  /**
   * Base URLs (an origin, and a path prefix if any) of HighLevel's file hosts, that `GET ?url=`
   * may read from with the server's token: e.g. the domain in the URLs HighLevel returns. Only
   * their `/conversations-assets/` and `/files/` paths are read; nothing else is ever fetched
   * (no open proxy). Default: `apiBase`.
   */
  fileOrigins?: readonly string[];
  /** Allowed types. Default: the seed's 13. */
  allowedTypes?: readonly FileTypeSpec[];
  /** Bytes per file; a file of exactly this size passes. Default: 5,242,880 (HighLevel's 5 MB). */
  maxFileSize?: number;
  /** Files per request. Default: 5 (HighLevel's limit). */
  maxFiles?: number;
  /** How long HighLevel may take to answer once it has every byte, in ms. Default: 60,000. */
  upstreamTimeoutMs?: number;
  /** How long the browser may send nothing before the upload is dropped (408), in ms. Default: 30,000. */
  clientIdleTimeoutMs?: number;
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
  authorize: NonNullable<UploadHandlerOptions['authorize']>;
  clientIdleTimeoutMs: number;
  apiBase: string;
  allowedOrigins: ReadonlySet<string>;
  /** Allowed file URL prefixes, e.g. `https://host/conversations-assets/`. */
  filePrefixes: readonly string[];
  allowedTypes: readonly FileTypeSpec[];
  maxFileSize: number;
  maxFiles: number;
  upstreamTimeoutMs: number;
  /** Set only when the caller gave one. */
  fetch: typeof fetch | undefined;
  logger: Logger;
}

export const DEFAULT_API_BASE = 'https://services.leadconnectorhq.com';

export function resolveOptions(options: UploadHandlerOptions): ResolvedOptions {
  const { locationId } = options;
  const apiBase = (options.apiBase ?? DEFAULT_API_BASE).replace(/\/+$/, '');
  return {
    getToken: options.getToken,
    resolveLocationId: typeof locationId === 'function' ? locationId : () => locationId,
    authorize: options.authorize ?? (() => true),
    clientIdleTimeoutMs: options.clientIdleTimeoutMs ?? 30_000,
    apiBase,
    filePrefixes: (options.fileOrigins ?? [apiBase]).flatMap((base) => {
      const url = new URL(base);
      const root = `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
      return [`${root}/conversations-assets/`, `${root}/files/`];
    }),
    allowedOrigins: new Set((options.allowedOrigins ?? []).map((origin) => new URL(origin).origin)),
    allowedTypes: options.allowedTypes ?? DEFAULT_FILE_TYPES,
    maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    maxFiles: options.maxFiles ?? DEFAULT_MAX_FILES,
    upstreamTimeoutMs: options.upstreamTimeoutMs ?? 60_000,
    fetch: options.fetch,
    logger: options.logger ?? {},
  };
}

/** A provider for a token that does not expire, such as a Private Integration Token. */
export function staticToken(token: string): TokenProvider {
  if (!token) throw new TypeError('staticToken: the token is empty');
  return () => token;
}
