import type { HighLevelSessionUser } from './auth/session-token.js';
import type { FileTypeInput } from '../shared/file-types.js';
import type { Logger } from './logger.js';
import type { MessageType } from '../shared/message-wire.js';
import type { SharedStore } from './store/shared-store.js';

/** What a token is asked for: the sub-account (HighLevel location) of the request. */
export interface TokenContext {
  locationId: string;
}

/**
 * Hands out a HighLevel access token for each request to HighLevel, for the request's location
 * (a provider for one sub-account may ignore it).
 */
export type TokenProvider = ((context: TokenContext) => string | Promise<string>) & {
  /** Told when HighLevel refused a token it handed out (401), so that it is not handed out again. */
  refused?: (context: TokenContext & { token: string }) => void;
};

/** What `authorize` is asked about. */
export interface AuthorizeContext {
  /**
   * `upload`: files are about to be sent; `preview`: a stored file is about to be read; `send`:
   * a message (with attachments uploaded here) is about to go to the conversation's contact.
   */
  action: 'upload' | 'preview' | 'send';
  conversationId: string;
  locationId: string;
  /** With `highLevelSso`: the HighLevel user of the request's session. */
  user?: HighLevelSessionUser;
}

/** HighLevel's single sign-on for a Marketplace app's custom page (see `highLevelSso`). */
export interface HighLevelSsoOptions {
  /** The app's Shared Secret (Advanced Settings → Auth in the Marketplace app). Required. */
  sharedSecret: string;
  /** How long a session lasts before the page signs in again, in seconds. Default: 900 (15 minutes). */
  sessionTtlSeconds?: number;
  /**
   * Sign-ins one client address may try per minute, whatever their payload (429 `rate-limited`
   * with `Retry-After` past it): the payload has no MAC, so each answer tells a forger something,
   * and this bounds how much. A page signs in once per session. Default: 30.
   */
  signInsPerMinutePerAddress?: number;
  /**
   * Sign-ins per minute into one location, counted once the payload has been read (a payload
   * that does not decrypt names no location, and counts for its address only). Default: 120.
   */
  signInsPerMinutePerLocation?: number;
}

/** The fleet-wide pace of requests to HighLevel per location (see `rateLimit`). */
export interface RateLimitOptions {
  /** Requests per interval. Default: 100 (HighLevel's). */
  max?: number;
  /**
   * The interval, in ms. Default: 11,000: HighLevel's 10 s, plus 1 s for the time between taking
   * a slot here and HighLevel counting the request.
   */
  intervalMs?: number;
  /**
   * The longest an upload waits for its turn, in ms; one that would wait longer gets 429
   * `rate-limited` with `Retry-After` at once (the widget retries it then). Default: 30,000.
   */
  maxWaitMs?: number;
}

/** The host app's decision: may this request use the token for this conversation? */
export type Authorize = (request: Request, context: AuthorizeContext) => boolean | Promise<boolean>;

export type { Logger } from './logger.js';

/** Options of `createUploadHandler`. */
export interface UploadHandlerOptions {
  /**
   * The sub-account's token: a Private Integration Token (see `staticToken`) or any provider,
   * called once per upload. Required. It never leaves the server.
   */
  getToken: TokenProvider;
  /**
   * The sub-account (HighLevel location) uploads go to, or a function that picks it per request.
   * Bound on the server: a `locationId` sent by the browser is never forwarded. Required, except
   * with `highLevelSso`, where it is the session's location (and this option is not used).
   */
  locationId?: string | ((request: Request) => string | Promise<string>);
  /**
   * HighLevel's single sign-on, for a Marketplace app's custom page: `POST {route}/session` takes
   * the encrypted user context the page got from HighLevel, and answers with a short session
   * (a token for the `Authorization: Bearer` header, and a partitioned cookie). Then every
   * upload and preview needs a session (401 without), goes to the session's location, and
   * `authorize` is told the user. Default: off.
   */
  highLevelSso?: HighLevelSsoOptions;
  /**
   * An OAuth app (`oauthToken(...)`) to install: `GET {route}/oauth/callback?code=` exchanges
   * HighLevel's code for the location's tokens and stores them. Set the app's redirect URL in
   * HighLevel to that address. Default: no install route.
   */
  install?: {
    app: { install(code: string, redirectUri?: string): Promise<{ locationId: string }> };
    /** The redirect URL registered in HighLevel, sent with the code. Default: this route's callback URL. */
    redirectUri?: string;
    /** Where the admin's browser goes once installed (`{locationId}` is replaced). Default: a page that says so. */
    afterInstallUrl?: string;
    /**
     * Callbacks per client address and minute that may reach HighLevel (each carries the app's
     * secret); past it, 429 `rate-limited` with `Retry-After`. From 1 to 10,000. Default: 10.
     */
    maxCallbacksPerMinute?: number;
  };
  /**
   * What instances share (tokens' refresh locks, the rate windows): `redisStore()` for several
   * instances behind a load balancer. Default: `memoryStore()`, this process only.
   */
  sharedStore?: SharedStore;
  /**
   * Keeps requests to HighLevel (uploads and previews) under its limit per location, across
   * every instance that shares `sharedStore`: past it, requests wait their turn, or get 429 with
   * `Retry-After` before HighLevel has to say it. `false` turns it off. Default: 100 per 11 s.
   */
  rateLimit?: RateLimitOptions | false;
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
   * `Content-Type`, `Range`, `Idempotency-Key`), e.g. `['Authorization']` for a host app's bearer
   * auth. Default: none.
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
   * Allowed types, by id (`['PDF', 'PNG', 'HEIC']`, from HighLevel's 13 documented types and `EXTRA_FILE_TYPES`) or
   * as specs of your own. Default: HighLevel's 13 documented types.
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
   * than `clientMinBytesPerSecond` over a whole window (while the server is ready to read) is
   * dropped with 408 `request-timeout`. (The Node adapter's rule for a body after an early answer
   * has the same two names, `unreadBodyRateWindowMs` and `unreadBodyMinBytesPerSecond`.)
   * From 100 to 2,147,483,647. Default: 30,000.
   */
  clientRateWindowMs?: number;
  /** The slowest sending rate tolerated over a window, in bytes per second, from 1. Default: 1,024. */
  clientMinBytesPerSecond?: number;
  /** @deprecated Since 1.1: `clientRateWindowMs` (it is a rate window, not an idle timeout). */
  clientIdleTimeoutMs?: number;
  /** @deprecated Since 1.1: `clientMinBytesPerSecond`. */
  minClientBytesPerSecond?: number;
  /**
   * Bytes all requests together may hold while reading a file ahead (chunked requests, several
   * large files in one request). Past it: 503 `server-busy` with `Retry-After`. Default: 64 MiB.
   */
  maxReadAheadBytes?: number;
  /**
   * Requests of known callers handled at once (uploads, and sign-ins once checked): those with a
   * session, or that `authenticate` or `authorize` has let through. One more gets 503
   * `server-busy`. Default: 256.
   */
  maxUploadsInFlight?: number;
  /**
   * Requests not authenticated yet handled at once: sign-ins, install callbacks, and uploads
   * whose `authorize` needs the conversation from the body, until it has said yes. They share
   * this small pool and never take a place of the known callers', so that strangers can only fill
   * what strangers are given; they must also send their first form field (or sign-in body)
   * within `unauthenticatedDeadlineMs`, after at most 8 KiB. One more gets 503 `server-busy`.
   * Default: 32.
   */
  maxUnauthenticatedInFlight?: number;
  /** How long a request not authenticated yet may take to show who it is, in ms. Default: 5,000. */
  unauthenticatedDeadlineMs?: number;
  /**
   * Requests of one client address handled at once, of every kind; one more gets 429
   * `rate-limited`. The address is the socket's, or the one `trustProxy` or `clientAddress`
   * tells; where none is known, this bound does not apply. Default: 32.
   */
  maxInFlightPerAddress?: number;
  /** Requests of one client address not authenticated yet, at once; one more gets 429. Default: 8. */
  maxUnauthenticatedPerAddress?: number;
  /**
   * Uploads of known callers of one location at once, so that the users of one sub-account (or
   * one who signed in to it) cannot take every place from the others; one more gets 429. With one
   * fixed `locationId` it bounds nothing `maxUploadsInFlight` does not. Default: 128.
   */
  maxUploadsPerLocation?: number;
  /**
   * The host's check of the caller that needs no body (a bearer token, the app's session
   * cookie), run before a byte of the body is read. `false` answers 401 `unauthorized` at once;
   * `true` lets the request take a place among the known callers, so that strangers cannot
   * crowd it out. `authorize` still decides, once the conversation is known. Default: none
   * (without SSO, an upload is a stranger's until `authorize` says yes).
   */
  authenticate?: (request: Request) => boolean | Promise<boolean>;
  /**
   * A `fetch` to call HighLevel with, for runtimes without `node:http`. Default: uploads go
   * through Node's HTTP client (less copying), previews through `globalThis.fetch`.
   */
  fetch?: typeof fetch;
  /**
   * How many proxies in front of this server append to `X-Forwarded-For` (a load balancer, a
   * CDN): the client's address is then the entry that many places from the right. `true` is one
   * proxy. Off by default: the header is the client's to write, and per-address bounds must not
   * believe it unless a proxy of yours wrote it. Default: `false`.
   */
  trustProxy?: boolean | number;
  /**
   * The client's address for servers without a socket (Next.js, Hono, workers), e.g. Hono's
   * `getConnInfo(c).remote.address`. The Node adapter knows it by itself. Where neither this nor
   * `trustProxy` tells it, per-address bounds do not apply. Default: the socket's address.
   */
  clientAddress?: (request: Request) => string | undefined;
  /**
   * The message types `POST {route}/messages` may send, e.g. `['SMS', 'WhatsApp']`; the client
   * may choose among them, and a message without a type goes as the conversation's channel when
   * it is one of them, else as the first. Default: only the conversation's own channel (SMS for
   * a phone conversation, Email for an email one, FB for Messenger).
   */
  messageTypes?: readonly MessageType[];
  /**
   * Where log lines go: `console`, pino, winston or your own (see `Logger` for the call shapes).
   * Lines never contain the token. Default: warnings and errors to `console`; `{}` for silence.
   */
  logger?: Logger;
}

export const DEFAULT_API_BASE = 'https://services.leadconnectorhq.com';

/** A provider for a token that does not expire, such as a Private Integration Token, of one location. */
export function staticToken(token: string): TokenProvider {
  if (!token) throw new TypeError('staticToken: the token is empty');
  return () => token;
}
