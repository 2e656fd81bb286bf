/**
 * `npm start`: the demo page, the BFF at /api/attachments and, without GHL_TOKEN or
 * GHL_CLIENT_ID, the HighLevel mock at /highlevel, all on one origin. With the mock, a
 * Marketplace app lives at /app (SSO, tokens per location, installs) and the mock's stand-in for
 * HighLevel frames it at /highlevel/custom-page.html. It serves what `npm start` built
 * (scripts/build-demo.mjs) and runs compiled, on plain Node; `--dev` (`npm run dev`, under tsx)
 * serves the page through Vite with hot reload instead.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createMockHighLevel } from '../mock-highlevel/index.js';
import {
  HIGHLEVEL_APP_ORIGINS,
  appOptionsFromEnv,
  createUploadHandler,
  deploymentFromEnv,
  frameAncestorsPolicy,
  oauthToken,
  optionsFromEnv,
  staticToken,
  toNodeHandler,
  type UploadHandlerOptions,
} from '../server/index.js';
import { listOf } from '../server/env-options.js';
import { answerOtherTargets } from './request-target.js';
import { isLoopbackAddress, refuseOtherHosts } from './loopback-only.js';
import { OWN_ORIGIN_FRAMING, serveStatic, staticName } from './serve-static.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const dev = process.argv.includes('--dev');
const origin = `http://${host}:${port}`;
const log = (message: string) => console.log(message);

const envOptions = optionsFromEnv();
const appEnv = await appOptionsFromEnv(process.env, {
  error: (message, fields) => console.error(`[bff] ${message}`, fields ?? ''),
  warn: (message, fields) => console.warn(`[bff] ${message}`, fields ?? ''),
});
const realHighLevel = Boolean(envOptions || appEnv.getToken);
/** A real token with no authorization: only this machine may use the server (see decideAuthorization). */
let loopbackOnly = false;
// The mock plays HighLevel's secure attachments (public for an hour), so previews go through the
// BFF's signed links as they will against HighLevel itself.
const APP_PATH = '/app';
const standInOrigin = `http://localhost:${port}`;
const mockApp = {
  clientId: 'mock-marketplace-app',
  clientSecret: 'mock-marketplace-app-secret',
  redirectUri: `${origin}${APP_PATH}/api/attachments/oauth/callback`,
  // The stand-in and the app agree on a secret, as HighLevel and a real app do.
  sharedSecret: process.env.GHL_SSO_SHARED_SECRET || 'mock-shared-secret-of-the-demo-marketplace-app',
};
const mock = realHighLevel
  ? undefined
  : createMockHighLevel({
      basePath: '/highlevel',
      secureFiles: {},
      oauth: mockApp,
      locations: [
        { id: 'mock-location', name: 'Demo sub-account' },
        { id: 'sunrise-dental', name: 'Sunrise Dental' },
        { id: 'harbor-fitness', name: 'Harbor Fitness' },
      ],
      // Conversations that exist, each sub-account its own: a phone one and an email one.
      conversations: ['mock-location', 'sunrise-dental', 'harbor-fitness'].flatMap((locationId) => [
        { id: locationId === 'mock-location' ? 'demo-conversation' : `${locationId}-sms`, locationId },
        { id: `${locationId}-email`, locationId, type: 2 as const },
      ]),
      customPage: { url: `${origin}${APP_PATH}/frame.html?sso=1&mode=composer` },
    });
// On the mock, one process is the whole deployment: a secret of its own signs its preview links
// (GHL_PREVIEW_SECRET still wins). With a real token the BFF warns when none is set.
const mockPreviewSecret = randomBytes(32).toString('base64url');
const logger = {
  warn: (message: string, fields?: Record<string, unknown>) => console.warn(`[bff] ${message}`, fields ?? ''),
  error: (message: string, fields?: Record<string, unknown>) => console.error(`[bff] ${message}`, fields ?? ''),
};
const bffOptions: UploadHandlerOptions = realHighLevel
  ? realOptions()
  : {
      getToken: staticToken(mock!.token),
      locationId: mock!.locationId,
      apiBase: `${origin}/highlevel`,
      previewSecret: mockPreviewSecret,
      ...deploymentFromEnv(),
      // The mock's token reaches nothing real: every caller may use it.
      authorize: 'anyone',
    };

/**
 * Against HighLevel: a Private Integration Token (GHL_TOKEN) or a Marketplace app
 * (GHL_CLIENT_ID), with HighLevel's SSO when GHL_SSO_SHARED_SECRET is set.
 */
function realOptions(): UploadHandlerOptions {
  const getToken = appEnv.getToken ?? envOptions?.getToken;
  if (appEnv.getToken && !appEnv.highLevelSso && !envOptions?.locationId) {
    console.error('GHL_CLIENT_ID is set: uploads need a location, from HighLevel\'s SSO (set GHL_SSO_SHARED_SECRET) or GHL_LOCATION_ID.');
    process.exit(1);
  }
  return {
    ...envOptions,
    ...deploymentFromEnv(),
    ...appEnv,
    getToken: getToken!,
    ...(process.env.GHL_API_BASE ? { apiBase: process.env.GHL_API_BASE } : {}),
    // With SSO, HighLevel vouches for every caller: any signed-in user of the location may upload.
    authorize: appEnv.highLevelSso ? 'anyone' : decideAuthorization(envOptions?.authorize),
  };
}

/** With the mock: the Marketplace app at /app, signed in by the stand-in, installed per location. */
function mockAppHandler() {
  const app = oauthToken({
    clientId: mockApp.clientId,
    clientSecret: mockApp.clientSecret,
    shared: appEnv.sharedStore,
    tokenUrl: `${origin}/highlevel/oauth/token`,
    logger,
  });
  return toNodeHandler(
    createUploadHandler({
      getToken: app,
      highLevelSso: { sharedSecret: mockApp.sharedSecret },
      install: { app, afterInstallUrl: `${standInOrigin}/highlevel/custom-page.html?location={locationId}` },
      sharedStore: appEnv.sharedStore,
      apiBase: `${origin}/highlevel`,
      previewSecret: mockPreviewSecret,
      ...deploymentFromEnv(),
      // Any user the stand-in signs in (a session of that location) may upload there.
      authorize: 'anyone',
      logger,
    }),
  );
}

/**
 * With a real token, who may use it is a decision: `GHL_AUTHORIZE=anyone` says so explicitly.
 * Without it, the demo serves only this machine: it must be bound to loopback (checked once it
 * listens, on the address it is bound to) and it answers only requests addressed to a loopback
 * name.
 */
function decideAuthorization(fromEnv: UploadHandlerOptions['authorize'] | undefined): UploadHandlerOptions['authorize'] {
  if (fromEnv) return fromEnv;
  loopbackOnly = true;
  return 'anyone';
}

const api = toNodeHandler(createUploadHandler({ ...bffOptions, logger }));
const appApi = mock ? mockAppHandler() : undefined;

// frame.html is the page HighLevel (or a CRM) frames: only they and this origin may frame it.
const frameAncestors = [...HIGHLEVEL_APP_ORIGINS, ...listOf(process.env.GHL_FRAME_ANCESTORS ?? '')];
const frameHeaders = { 'frame.html': { 'Content-Security-Policy': frameAncestorsPolicy(frameAncestors) } };

/**
 * The Marketplace app's custom page in the demo: frame.html, whose relative endpoint then
 * resolves to /app/api/attachments, framed by the stand-in (on `localhost`, another site than
 * `127.0.0.1`, as HighLevel is to an app) and answered only by it.
 */
async function serveAppFrame(req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('Method not allowed: the page is read with GET or HEAD.');
    return;
  }
  const parents = [standInOrigin, origin];
  const html = (await readFile(`${root}public/frame.html`, 'utf8')).replace(
    '<meta name="ghl-highlevel-origins" content="" />',
    `<meta name="ghl-highlevel-origins" content="${parents.join(' ')}" />`,
  );
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-cache',
    'Content-Security-Policy': frameAncestorsPolicy([...frameAncestors, standInOrigin]),
  });
  res.end(req.method === 'HEAD' ? undefined : html);
}

// Built by `npm start` (scripts/build-demo.mjs) before this runs: the standalone
// <ghl-attachments> script, for public/crm-page.html and frame.html, and the demo page.
const elementDir = `${root}dist/element`;
let page: (req: IncomingMessage, res: ServerResponse) => void;
if (dev) {
  // Vite loads only here: `npm run dev`, under tsx, with hot reload for the page.
  const { build, createServer: createVite } = await import('vite');
  log('Building the <ghl-attachments> script…');
  await build({ root, mode: 'standalone', logLevel: 'warn', build: { outDir: 'dist/element' } });
  const vite = await createVite({ root, server: { middlewareMode: true }, appType: 'spa' });
  page = (req, res) => {
    // As in the built demo: the policy goes by the file, however its path is spelled.
    const framed = staticName(req.url ?? '/') === 'frame.html';
    res.setHeader('Content-Security-Policy', framed ? frameHeaders['frame.html']['Content-Security-Policy'] : OWN_ORIGIN_FRAMING);
    vite.middlewares(req, res);
  };
} else {
  if (!existsSync(`${root}dist/demo/index.html`)) console.error('The demo page is not built: `npm start` builds it before it serves.');
  const serve = serveStatic(`${root}dist/demo`, frameHeaders);
  page = (req, res) => void serve(req, res);
}
const elementScript = serveStatic(elementDir);

/** Set once the server listens: in loopback-only mode, the check of the names it answers for. */
let hostCheck: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
const server = createServer((req, res) => {
  try {
    if (loopbackOnly && (!hostCheck || hostCheck(req, res))) {
      if (!hostCheck) res.destroy();
      return;
    }
    if (answerOtherTargets(req, res)) return;
    if (mock?.handle(req, res)) return;
    const path = req.url?.split('?')[0] ?? '';
    if (path === '/api/attachments' || path.startsWith('/api/attachments/')) return api(req, res);
    if (appApi && (path === `${APP_PATH}/api/attachments` || path.startsWith(`${APP_PATH}/api/attachments/`))) return appApi(req, res);
    if (appApi && path === `${APP_PATH}/frame.html`) return void serveAppFrame(req, res);
    if (req.url === '/ghl-attachments.js') return void elementScript(req, res);
    page(req, res);
  } catch (error) {
    // Nothing a client sends may stop the demo: answer, log, carry on.
    console.error('[demo] request failed', error);
    if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Internal error');
  }
});
server.on('error', (error: NodeJS.ErrnoException) => {
  console.error(error.code === 'EADDRINUSE' ? `Port ${port} is taken: set PORT to another one.` : error.message);
  process.exit(1);
});
server.listen(port, host, () => {
  const bound = server.address() as AddressInfo;
  if (loopbackOnly) {
    if (!isLoopbackAddress(bound.address)) {
      console.error(
        `Refusing to listen on ${host} with a real GHL_TOKEN and no authorization (bound to ${bound.address}, not loopback): anyone who reaches the server could ` +
          'upload with the token. Put the route behind your own authorize (see docs/security.md), or set ' +
          'GHL_AUTHORIZE=anyone if a proxy in front already authenticates every request.',
      );
      process.exit(1);
    }
    hostCheck = refuseOtherHosts(bound.port);
  }
  const shown = `http://${host.includes(':') ? `[${host}]` : host}:${bound.port}`;
  log(`\nghl-attachments demo: ${shown}/`);
  log(`A CRM page that is not React (custom element and iframe): ${shown}/crm-page.html`);
  if (mock) {
    log(`As a HighLevel Marketplace app, inside a stand-in for HighLevel: ${standInOrigin}/highlevel/custom-page.html`);
    log(`  (switch sub-account on the left, install the app, drop a file; shared state: ${process.env.GHL_REDIS_URL ? 'Redis' : 'this process'})`);
  }
  log(
    mock
      ? `HighLevel: the local mock, its API under ${origin}/highlevel (set GHL_TOKEN and GHL_LOCATION_ID, or GHL_CLIENT_ID and ` +
          'GHL_CLIENT_SECRET, for the real API). Authorization: anyone may upload (the mock’s token reaches nothing real).'
      : `HighLevel: ${bffOptions.apiBase ?? 'https://services.leadconnectorhq.com'}, ${
          bffOptions.highLevelSso ? 'the location of each HighLevel SSO session' : `location ${String(bffOptions.locationId)}`
        }`,
  );
  if (loopbackOnly) {
    log(`Authorization: none (GHL_AUTHORIZE unset); only this machine can reach the server: it listens on loopback (${bound.address}) and answers only for localhost, 127.0.0.1 and [::1].`);
  }
});

const stop = () => {
  server.closeAllConnections();
  server.close();
  void appEnv.sharedStore?.close();
  void mock?.dispose().then(() => process.exit(0));
  if (!mock) process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
