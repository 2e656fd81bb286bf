import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveFileTypes, type FileTypeInput } from '../shared/file-types.js';
import { DEFAULT_MAX_FILE_SIZE, DEFAULT_MAX_FILES_PER_REQUEST } from '../shared/limits.js';
import { answers, type MockAnswer } from './highlevel-answers.js';
import { RateLimiter, type RateLimits } from './rate-limiter.js';
import { handleUpload, type StoredFile } from './handle-upload.js';
import { serveStoredFile } from './serve-stored-file.js';

/** A token the mock accepts. */
export interface MockToken {
  token: string;
  /** The sub-account (location) the token belongs to. */
  locationId: string;
  /** Default: `['conversations/message.write']`. */
  scopes?: string[];
  /** When it stops working, in ms since the epoch. Default: never. */
  expiresAt?: number;
}

/** An OAuth app the mock's `POST /oauth/token` knows, with one live refresh token. */
export interface MockOAuthApp {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  locationId: string;
  /** Lifetime of the access tokens it issues. Default: 86,399 s, as HighLevel. */
  accessTokenSeconds?: number;
}

/** Options of {@link createMockHighLevel}; every one has a default that works out of the box. */
export interface MockHighLevelOptions {
  /** Accepted tokens. Default: one, `mock-token`, for location `mock-location`. */
  tokens?: MockToken[];
  /** Conversation ids that exist. Default: every id exists. */
  conversations?: readonly string[];
  /** Bytes per file. Default: 5,242,880, as HighLevel. */
  maxFileSize?: number;
  /** Files per request. Default: 5, as HighLevel. */
  maxFilesPerRequest?: number;
  /** Allowed types, by id or spec (checked by extension, as HighLevel does). Default: the seed's 13. */
  allowedTypes?: readonly FileTypeInput[];
  /** Rate limits per location. Default: HighLevel's, 100 per 10 s and 200,000 a day. */
  rateLimits?: RateLimits;
  /** Where stored files go. Default: a new temp folder, removed by `close()`. */
  storageDir?: string;
  /** Path prefix when mounted inside another server, e.g. `/highlevel`. Default: `''`. */
  basePath?: string;
  /** An OAuth app for `POST /oauth/token`. Default: none (every refresh is refused). */
  oauth?: MockOAuthApp;
  /**
   * HighLevel's secure attachments: URLs are `/files/d/{slug}`, public for `publicForMs` after the
   * upload, then readable only with a token of the file's location. Default: off (plain
   * `/conversations-assets/…` URLs that stay public).
   */
  secureFiles?: { publicForMs?: number };
}

/**
 * A failure the mock plays instead of its normal answer, for testing what a client does when
 * HighLevel misbehaves: any answer, a hang (the body is read, no answer ever comes), a reset
 * (the connection is dropped mid-request), or a redirect.
 */
export type MockFault =
  | { kind: 'answer'; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'redirect'; location: string };

/** What tests can read off the mock. */
export interface MockHighLevelStats {
  /** Upload requests that reached the mock, whatever their answer. */
  uploadRequests: number;
  /** Upload requests answered 200. */
  uploadsStored: number;
  /** Successful refreshes at `POST /oauth/token`. */
  tokenRefreshes: number;
}

/** A HighLevel stand-in that can be mounted in any `node:http` server. */
export interface MockHighLevel {
  /** Handles the request when it is one of HighLevel's routes; returns `false` otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** The first accepted token. */
  readonly token: string;
  /** The first token's location. */
  readonly locationId: string;
  readonly stats: MockHighLevelStats;
  /** Files stored so far, by URL path. */
  readonly files: ReadonlyMap<string, StoredFile>;
  /** Plays these faults, one per upload request, before answering normally again. */
  failNext(...faults: MockFault[]): void;
  /** Removes the stored files (and the temp folder, when the mock made it). */
  dispose(): Promise<void>;
}

const UPLOAD_PATH = '/conversations/messages/upload';
const ASSETS_PATH = '/conversations-assets/';
const SECURE_FILES_PATH = '/files/d/';
const OAUTH_PATH = '/oauth/token';

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 64 * 1024) throw new Error('form too large');
  }
  return new URLSearchParams(text);
}

/**
 * Creates the mock: `POST /conversations/messages/upload` with HighLevel's auth, headers,
 * limits, answers and error bodies, and `GET /conversations-assets/…` serving the stored bytes
 * back at the URLs it returned.
 */
export function createMockHighLevel(options: MockHighLevelOptions = {}): MockHighLevel {
  const tokens: MockToken[] = [...(options.tokens ?? [{ token: 'mock-token', locationId: 'mock-location' }])];
  const oauth = options.oauth ? { ...options.oauth } : undefined;
  const ownDir = options.storageDir === undefined;
  const storageDir = options.storageDir ?? mkdtempSync(join(tmpdir(), 'ghl-mock-'));
  const basePath = (options.basePath ?? '').replace(/\/$/, '');
  const limiter = new RateLimiter(options.rateLimits);
  const stats: MockHighLevelStats = { uploadRequests: 0, uploadsStored: 0, tokenRefreshes: 0 };
  const files = new Map<string, StoredFile>();
  const faults: MockFault[] = [];
  const hanging = new Set<ServerResponse>();
  const config = {
    storageDir,
    basePath,
    maxFileSize: options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE,
    maxFiles: options.maxFilesPerRequest ?? DEFAULT_MAX_FILES_PER_REQUEST,
    allowedTypes: resolveFileTypes(options.allowedTypes),
    conversations: options.conversations ? new Set(options.conversations) : undefined,
    secureFiles: options.secureFiles ? { publicForMs: options.secureFiles.publicForMs ?? 3_600_000 } : undefined,
  };

  const send = (res: ServerResponse, answer: MockAnswer, headers: Record<string, string> = {}) => {
    res.writeHead(answer.status, {
      ...headers,
      ...answer.headers,
      'Content-Type': 'application/json; charset=utf-8',
    });
    res.end(JSON.stringify(answer.body));
  };

  const playFault = (fault: MockFault, req: IncomingMessage, res: ServerResponse) => {
    if (fault.kind === 'reset') {
      req.once('data', () => req.socket.destroy());
      return;
    }
    req.resume();
    req.once('end', () => {
      if (fault.kind === 'hang') hanging.add(res);
      else if (fault.kind === 'redirect') res.writeHead(302, { Location: fault.location }).end();
      else send(res, { status: fault.status, body: fault.body ?? {}, headers: fault.headers });
    });
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse) => {
    stats.uploadRequests += 1;
    const fault = faults.shift();
    if (fault) return playFault(fault, req, res);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = tokens.find(
      (candidate) => candidate.token === bearer && (candidate.expiresAt === undefined || candidate.expiresAt > Date.now()),
    );
    const rate = limiter.take(token?.locationId ?? 'anonymous');
    // HighLevel answers before reading a refused request's body; draining it keeps the
    // connection usable for the client instead of resetting it mid-send.
    const refuse = (answer: MockAnswer) => {
      req.resume();
      const reply = () => send(res, answer, rate.headers);
      if (req.readableEnded) reply();
      else req.once('end', reply).once('error', reply);
    };
    if (!token) return refuse(answers.invalidToken());
    if (!(token.scopes ?? ['conversations/message.write']).includes('conversations/message.write')) {
      return refuse(answers.missingScope());
    }
    if (!rate.allowed) return refuse(answers.rateLimited(rate.retryAfter));
    if (req.headers.version !== '2021-04-15') return refuse(answers.badRequest('Version header was not found'));
    const answer = await handleUpload(req, token.locationId, config, files);
    if (answer.status === 200) stats.uploadsStored += 1;
    send(res, answer, rate.headers);
  };

  // HighLevel's refresh: a new access token and a new refresh token; the old refresh token dies.
  const refreshAnswer = (form: URLSearchParams): MockAnswer => {
    const valid =
      oauth !== undefined &&
      form.get('grant_type') === 'refresh_token' &&
      form.get('client_id') === oauth.clientId &&
      form.get('client_secret') === oauth.clientSecret &&
      form.get('refresh_token') === oauth.refreshToken;
    if (!valid) {
      return { status: 401, body: { error: 'invalid_grant', error_description: 'Invalid grant: refresh token is invalid' } };
    }
    const seconds = oauth.accessTokenSeconds ?? 86_399;
    const accessToken = `mock-access-${randomUUID()}`;
    oauth.refreshToken = `mock-refresh-${randomUUID()}`;
    tokens.push({ token: accessToken, locationId: oauth.locationId, expiresAt: Date.now() + seconds * 1000 });
    stats.tokenRefreshes += 1;
    return {
      status: 200,
      body: {
        access_token: accessToken,
        token_type: 'Bearer',
        expires_in: seconds,
        refresh_token: oauth.refreshToken,
        scope: 'conversations/message.write',
        userType: 'Location',
        locationId: oauth.locationId,
      },
    };
  };

  return {
    token: tokens[0]!.token,
    locationId: tokens[0]!.locationId,
    stats,
    files,
    handle(req, res) {
      const path = new URL(req.url ?? '/', 'http://mock').pathname;
      if (!path.startsWith(`${basePath}/`)) return false;
      const route = path.slice(basePath.length);
      if (route === UPLOAD_PATH && req.method === 'POST') {
        handleApi(req, res).catch(() => {
          if (!res.headersSent) send(res, { status: 500, body: { statusCode: 500, message: 'Internal server error' } });
          else res.destroy();
        });
        return true;
      }
      if (route.startsWith(SECURE_FILES_PATH) && (req.method === 'GET' || req.method === 'HEAD')) {
        const file = files.get(route);
        const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
        const reader = tokens.find(
          (candidate) =>
            candidate.token === bearer &&
            candidate.locationId === file?.locationId &&
            (candidate.expiresAt === undefined || candidate.expiresAt > Date.now()),
        );
        if (file && !reader && Date.now() > file.storedAt + config.secureFiles!.publicForMs) {
          send(res, answers.invalidToken());
          return true;
        }
        serveStoredFile(file, req, res);
        return true;
      }
      if (route.startsWith(ASSETS_PATH) && req.method === 'OPTIONS') {
        // A CDN answers CORS preflights for its public files.
        res.writeHead(204, {
          'Access-Control-Allow-Origin': '*',
          'Access-Control-Allow-Methods': 'GET, HEAD',
          'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*',
          'Access-Control-Max-Age': '86400',
        });
        res.end();
        return true;
      }
      if (route.startsWith(ASSETS_PATH) && (req.method === 'GET' || req.method === 'HEAD')) {
        serveStoredFile(files.get(route), req, res);
        return true;
      }
      if (route === UPLOAD_PATH) {
        send(res, answers.notFound(req.method ?? 'GET', route));
        return true;
      }
      if (route === OAUTH_PATH && req.method === 'POST') {
        readForm(req)
          .then((form) => send(res, refreshAnswer(form)))
          .catch(() => res.destroy());
        return true;
      }
      return false;
    },
    failNext(...next) {
      faults.push(...next);
    },
    async dispose() {
      for (const res of hanging) res.destroy();
      hanging.clear();
      await Promise.all([...files.values()].map((file) => rm(file.path, { force: true })));
      files.clear();
      if (ownDir) await rm(storageDir, { recursive: true, force: true });
    },
  };
}
