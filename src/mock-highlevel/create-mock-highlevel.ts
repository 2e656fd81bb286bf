import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveFileTypes, type FileTypeInput } from '../shared/file-types.js';
import { DEFAULT_MAX_FILE_SIZE, DEFAULT_MAX_FILES_PER_REQUEST } from '../shared/limits.js';
import { wholeNumberOption } from '../shared/check-option.js';
import { answers, type MockAnswer } from './highlevel-answers.js';
import { RateLimiter, type RateLimits } from './rate-limiter.js';
import { handleUpload, type StoredFile } from './handle-upload.js';
import { serveStoredFile } from './serve-stored-file.js';
import { serveCustomPage } from './custom-page-stand-in.js';
import { MOCK_COMPANY_ID, MockOAuth, type MockLocation, type MockOAuthApp, type MockOAuthStats } from './mock-oauth.js';
import { answerUser, type MockUser } from './mock-users.js';
import { CONVERSATION_SCOPES, conversationRoute, readConversation, readThread, sendMessage } from './handle-conversations.js';
import { MockConversations, type MockConversation, type MockMessage } from './mock-conversations.js';

const OWNER = 'createMockHighLevel';

export type { MockLocation, MockOAuthApp } from './mock-oauth.js';
export type { MockUser } from './mock-users.js';
export type { MockConversation, MockConversationType, MockMessage } from './mock-conversations.js';

/** A token the mock accepts. */
export interface MockToken {
  token: string;
  /** The sub-account (location) the token belongs to. */
  locationId: string;
  /**
   * Default: `['conversations/message.write', 'conversations.readonly', 'conversations/message.readonly', 'users.readonly']`
   * (upload and send, read a conversation, read its thread, read who a user is).
   */
  scopes?: string[];
  /** When it stops working, in ms since the epoch. Default: never. */
  expiresAt?: number;
}

/** Options of {@link createMockHighLevel}; every one has a default that works out of the box. */
export interface MockHighLevelOptions {
  /** Accepted tokens. Default: one, `mock-token`, for location `mock-location`. */
  tokens?: MockToken[];
  /**
   * Conversations that exist, each in its location with its contact and channel (a bare id: a
   * phone conversation of the first token's location, with contact `contact-{id}`). An unknown
   * one is refused as HighLevel refuses it, on upload (500) and on read (400). Default: every id
   * exists, in the location of the token that first names it.
   */
  conversations?: readonly (string | MockConversation)[];
  /** Bytes per file. Default: 5,242,880, as HighLevel. */
  maxFileSize?: number;
  /** Files per request. Default: 5, as HighLevel. */
  maxFilesPerRequest?: number;
  /** Allowed types, by id or spec (checked by extension, as HighLevel does). Default: HighLevel's 13 documented types. */
  allowedTypes?: readonly FileTypeInput[];
  /** Rate limits per location. Default: HighLevel's, 100 per 10 s and 200,000 a day. */
  rateLimits?: RateLimits;
  /** Where stored files go. Default: a new temp folder, removed by `close()`. */
  storageDir?: string;
  /** Path prefix when mounted inside another server, e.g. `/highlevel`. Default: `''`. */
  basePath?: string;
  /**
   * An OAuth app: `POST /oauth/token` (installs by authorization code, refreshes that rotate the
   * refresh token) and `GET /oauth/chooselocation`. Default: none (every grant is refused).
   */
  oauth?: MockOAuthApp;
  /** The agency's sub-accounts, for the location chooser and the stand-in page. Default: the tokens' locations. */
  locations?: MockLocation[];
  /**
   * The users `GET /users/{userId}` knows. Default: the stand-in page's user, `mock-user`, an
   * admin of every sub-account (see `mockUserContext`).
   */
  users?: MockUser[];
  /**
   * The app's custom page, which `GET /custom-page.html?location=` frames as HighLevel would,
   * answering its SSO handshake with `oauth.sharedSecret`. Default: no stand-in page.
   */
  customPage?: { url: string };
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

/** A fault for sends: any {@link MockFault}, or the normal answer after `ms` (a slow HighLevel). */
export type MockSendFault = MockFault | { kind: 'delay'; ms: number };

/** What tests can read off the mock. */
export interface MockHighLevelStats extends MockOAuthStats {
  /** Upload requests that reached the mock, whatever their answer. */
  uploadRequests: number;
  /** Upload requests answered 200. */
  uploadsStored: number;
  /** `GET /users/{userId}` requests that reached the mock, whatever their answer. */
  userLookups: number;
  /**
   * The latest upload and file requests (at most 10,000): when each arrived, for which location
   * (of its token; `''` when none), and the status answered. Enough to check a rate limit.
   */
  requestLog: { at: number; locationId: string; status: number; path: 'upload' | 'file' | 'conversation' }[];
  /** Requests to the conversation routes (read, thread, send), whatever their answer. */
  conversationRequests: number;
  /** Messages `POST /conversations/messages` stored. */
  messagesSent: number;
}

/** A HighLevel stand-in that can be mounted in any `node:http` server. */
export interface MockHighLevel {
  /** Handles the request when it is one of HighLevel's routes; returns `false` otherwise. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /** The first accepted token (`''` when the mock starts with none). */
  readonly token: string;
  /** The first token's location (else the first sub-account's). */
  readonly locationId: string;
  readonly stats: MockHighLevelStats;
  /** Files stored so far, by URL path. */
  readonly files: ReadonlyMap<string, StoredFile>;
  /** Plays these faults, one per upload request, before answering normally again. */
  failNext(...faults: MockFault[]): void;
  /** Plays these faults, one per `GET /users/{userId}`, before answering normally again. */
  failNextUserLookup(...faults: MockFault[]): void;
  /** Plays these faults, one per `POST /conversations/messages`, before answering normally again. */
  failNextSend(...faults: MockSendFault[]): void;
  /** Plays these faults, one per `GET /conversations/{id}`, before answering normally again. */
  failNextConversationRead(...faults: MockFault[]): void;
  /** A conversation's thread as the mock stored it, oldest first. */
  thread(conversationId: string): readonly MockMessage[];
  /** A code that installs the OAuth app in `locationId` (as HighLevel's location chooser gives). */
  authorizationCode(locationId: string, redirectUri?: string): string;
  /** Removes the stored files (and the temp folder, when the mock made it). */
  dispose(): Promise<void>;
}

const UPLOAD_PATH = '/conversations/messages/upload';
const ASSETS_PATH = '/conversations-assets/';
const SECURE_FILES_PATH = '/files/d/';
const OAUTH_PATH = '/oauth/token';
const CHOOSE_LOCATION_PATH = '/oauth/chooselocation';
const STAND_IN_PAGE = '/custom-page.html';
const STAND_IN_FILES = '/_stand-in/files';
const USERS_PATH = /^\/users\/([^/]+)$/;
/** The Users API's version (HighLevel's API docs, Users → Get User); uploads use another. */
const USERS_API_VERSION = '2021-07-28';
/** What a token is granted when a test does not say: what the product asks for. */

const STAND_IN_THREAD = '/_stand-in/thread';
const DEFAULT_SCOPES = ['conversations/message.write', CONVERSATION_SCOPES.read, CONVERSATION_SCOPES.thread, 'users.readonly'];
const REQUEST_LOG_SIZE = 10_000;

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
  const ownDir = options.storageDir === undefined;
  const storageDir = options.storageDir ?? mkdtempSync(join(tmpdir(), 'ghl-mock-'));
  const basePath = (options.basePath ?? '').replace(/\/$/, '');
  const limiter = new RateLimiter(options.rateLimits);
  const stats: MockHighLevelStats = {
    uploadRequests: 0,
    uploadsStored: 0,
    userLookups: 0,
    tokenRefreshes: 0,
    tokenRefreshesByLocation: {},
    installs: 0,
    tokenRequests: 0,
    requestLog: [],
    conversationRequests: 0,
    messagesSent: 0,
  };
  const oauth = options.oauth ? new MockOAuth({ ...options.oauth }, (issued) => tokens.push(issued), stats) : undefined;
  const locations: MockLocation[] =
    options.locations ??
    [...new Set([...tokens.map((token) => token.locationId), ...(options.oauth?.locationId ? [options.oauth.locationId] : [])])].map(
      (id, index) => ({ id, name: `Sub-account ${index + 1}` }),
    );
  const log = (locationId: string, status: number, path: 'upload' | 'file' | 'conversation') => {
    stats.requestLog.push({ at: Date.now(), locationId, status, path });
    if (stats.requestLog.length > REQUEST_LOG_SIZE) stats.requestLog.splice(0, stats.requestLog.length - REQUEST_LOG_SIZE);
  };
  const users: MockUser[] = options.users ?? [
    { id: 'mock-user', name: 'Mock User', email: 'mock.user@example.com', role: 'admin', type: 'account', locationIds: locations.map((location) => location.id) },
  ];
  const files = new Map<string, StoredFile>();
  const conversations = new MockConversations(options.conversations, tokens[0]?.locationId ?? locations[0]?.id ?? '');
  const faults: MockFault[] = [];
  const userFaults: MockFault[] = [];
  const sendFaults: MockSendFault[] = [];
  const readFaults: MockFault[] = [];
  const hanging = new Set<ServerResponse>();
  const config = {
    storageDir,
    basePath,
    maxFileSize: wholeNumberOption(OWNER, 'maxFileSize', options.maxFileSize, DEFAULT_MAX_FILE_SIZE, 1, Number.MAX_SAFE_INTEGER),
    maxFiles: wholeNumberOption(OWNER, 'maxFilesPerRequest', options.maxFilesPerRequest, DEFAULT_MAX_FILES_PER_REQUEST, 1, 1000),
    allowedTypes: resolveFileTypes(options.allowedTypes),
    conversationIn: (id: string, locationId: string) => conversations.exists(id, locationId),
    secureFiles: options.secureFiles ? { publicForMs: wholeNumberOption(OWNER, 'secureFiles.publicForMs', options.secureFiles.publicForMs, 3_600_000, 0, Number.MAX_SAFE_INTEGER) } : undefined,
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
      else send(res, { status: fault.status, body: fault.body === undefined ? {} : fault.body, headers: fault.headers });
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
      log(token?.locationId ?? '', answer.status, 'upload');
      req.resume();
      const reply = () => send(res, answer, rate.headers);
      if (req.readableEnded) reply();
      else req.once('end', reply).once('error', reply);
    };
    if (!token) return refuse(answers.invalidToken());
    if (!(token.scopes ?? DEFAULT_SCOPES).includes('conversations/message.write')) {
      return refuse(answers.missingScope());
    }
    if (!rate.allowed) return refuse(answers.rateLimited(rate.retryAfter));
    if (req.headers.version !== '2021-04-15') return refuse(answers.badRequest('Version header was not found'));
    log(token.locationId, 0, 'upload');
    const entry = stats.requestLog.at(-1)!;
    const answer = await handleUpload(req, token.locationId, config, files);
    entry.status = answer.status;
    if (answer.status === 200) stats.uploadsStored += 1;
    send(res, answer, rate.headers);
  };

  const handleUserLookup = (userId: string, req: IncomingMessage, res: ServerResponse) => {
    stats.userLookups += 1;
    const fault = userFaults.shift();
    if (fault?.kind === 'reset') return void req.socket.destroy();
    if (fault) return playFault(fault, req, res);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = tokens.find(
      (candidate) => candidate.token === bearer && (candidate.expiresAt === undefined || candidate.expiresAt > Date.now()),
    );
    const rate = limiter.take(token?.locationId ?? 'anonymous');
    if (!token) return send(res, answers.invalidToken(), rate.headers);
    if (!(token.scopes ?? DEFAULT_SCOPES).includes('users.readonly')) return send(res, answers.missingScope(), rate.headers);
    if (!rate.allowed) return send(res, answers.rateLimited(rate.retryAfter), rate.headers);
    if (req.headers.version !== USERS_API_VERSION) return send(res, answers.badRequest('Version header was not found'), rate.headers);
    // Every sub-account of the mock is in one agency: a location's token reaches its users.
    let id: string;
    try {
      id = decodeURIComponent(userId);
    } catch {
      return send(res, answers.badRequest('User not found'), rate.headers);
    }
    send(res, answerUser(id, users, MOCK_COMPANY_ID), rate.headers);
  };

  // The conversation routes, with the upload's checks in the same order: token, scope, rate, Version.
  const handleConversations = async (req: IncomingMessage, res: ServerResponse, kind: keyof typeof CONVERSATION_SCOPES, id?: string) => {
    stats.conversationRequests += 1;
    const fault = kind === 'send' ? sendFaults.shift() : kind === 'read' ? readFaults.shift() : undefined;
    if (fault?.kind === 'delay') await new Promise((resolve) => setTimeout(resolve, fault.ms));
    else if (fault) return playFault(fault, req, res);
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const token = tokens.find(
      (candidate) => candidate.token === bearer && (candidate.expiresAt === undefined || candidate.expiresAt > Date.now()),
    );
    const rate = limiter.take(token?.locationId ?? 'anonymous');
    const reply = (answer: MockAnswer) => {
      log(token?.locationId ?? '', answer.status, 'conversation');
      req.resume();
      const done = () => send(res, answer, rate.headers);
      if (req.readableEnded) done();
      else req.once('end', done).once('error', done);
    };
    if (!token) return reply(answers.invalidToken());
    if (!(token.scopes ?? DEFAULT_SCOPES).includes(CONVERSATION_SCOPES[kind])) return reply(answers.missingScope());
    if (!rate.allowed) return reply(answers.rateLimited(rate.retryAfter));
    if (req.headers.version !== '2021-04-15') return reply(answers.badRequest('Version header was not found'));
    if (kind === 'read') return reply(readConversation(id!, token.locationId, conversations));
    if (kind === 'thread') return reply(readThread(id!, token.locationId, new URL(req.url ?? '/', 'http://mock'), conversations));
    const answer = await sendMessage(req, token.locationId, conversations);
    if (answer.status === 200) stats.messagesSent += 1;
    reply(answer);
  };

  return {
    // An OAuth-only mock starts with no token: they come from installs.
    token: tokens[0]?.token ?? '',
    locationId: tokens[0]?.locationId ?? locations[0]?.id ?? '',
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
      const conversationCall = conversationRoute(route, req.method);
      if (conversationCall) {
        handleConversations(req, res, conversationCall.kind, conversationCall.id).catch(() => {
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
        if (reader) log(reader.locationId, file ? 200 : 404, 'file');
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
      const userPath = USERS_PATH.exec(route);
      if (userPath && req.method === 'GET') {
        handleUserLookup(userPath[1]!, req, res);
        return true;
      }
      if (route === OAUTH_PATH && req.method === 'POST') {
        stats.tokenRequests += 1;
        readForm(req)
          .then((form) =>
            send(res, oauth ? oauth.token(form) : { status: 401, body: { error: 'invalid_client', error_description: 'Unknown client' } }),
          )
          .catch(() => res.destroy());
        return true;
      }
      if (oauth && (route === CHOOSE_LOCATION_PATH || route === `${CHOOSE_LOCATION_PATH}/choose`) && req.method === 'GET') {
        oauth.chooseLocation(req, res, locations, basePath);
        return true;
      }
      if (oauth && options.customPage && route === STAND_IN_PAGE && req.method === 'GET') {
        serveCustomPage(new URL(req.url ?? '/', 'http://mock'), res, {
          appUrl: options.customPage.url,
          oauth,
          locations,
          basePath,
          conversationsOf: (locationId) => conversations.ofLocation(locationId),
        });
        return true;
      }
      if (route === STAND_IN_FILES && req.method === 'GET') {
        // Not HighLevel's API: what its UI would show of a sub-account's conversations.
        const locationId = new URL(req.url ?? '/', 'http://mock').searchParams.get('location');
        const list = [...files.values()]
          .filter((file) => file.locationId === locationId)
          .map(({ fileName, conversationId, size, storedAt }) => ({ fileName, conversationId, size, storedAt }));
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(JSON.stringify(list));
        return true;
      }
      if (route === STAND_IN_THREAD && req.method === 'GET') {
        // Not HighLevel's API: the thread its UI would show, only for the page's own location.
        const query = new URL(req.url ?? '/', 'http://mock').searchParams;
        const thread = conversations.thread(query.get('conversationId') ?? '').filter((message) => message.locationId === query.get('location'));
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end(JSON.stringify(thread.map(({ id, body, attachments, dateAdded, messageType }) => ({ id, body, attachments, dateAdded, messageType }))));
        return true;
      }
      return false;
    },
    failNext(...next) {
      faults.push(...next);
    },
    failNextUserLookup(...next) {
      userFaults.push(...next);
    },
    failNextSend(...next) {
      sendFaults.push(...next);
    },
    failNextConversationRead(...next) {
      readFaults.push(...next);
    },
    thread: (conversationId) => conversations.thread(conversationId),
    authorizationCode(locationId, redirectUri) {
      if (!oauth) throw new Error('createMockHighLevel: no `oauth` app to install');
      return oauth.authorizationCode(locationId, redirectUri);
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
