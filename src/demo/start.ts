/**
 * `npm start`: the demo page, the BFF at /api/attachments and, without GHL_TOKEN or
 * GHL_CLIENT_ID, the HighLevel mock at /highlevel, all on one origin. With the mock, a
 * Marketplace app lives at /app (SSO, tokens per location, installs) and the mock's stand-in for
 * HighLevel frames it at /highlevel/custom-page.html. `--dev` serves the page through Vite with
 * hot reload instead of building it.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
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
import { serveStatic } from './serve-static.js';

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
      ...deploymentFromEnv(),
      // Any user the stand-in signs in (a session of that location) may upload there.
      authorize: 'anyone',
      logger,
    }),
  );
}

/**
 * With a real token, who may use it is a decision: `GHL_AUTHORIZE=anyone` says so explicitly.
 * Without it, the demo serves only this machine (loopback), and refuses to listen elsewhere.
 */
function decideAuthorization(fromEnv: UploadHandlerOptions['authorize'] | undefined): UploadHandlerOptions['authorize'] {
  if (fromEnv) return fromEnv;
  const loopback = host === 'localhost' || host === '::1' || /^127\./.test(host);
  if (!loopback) {
    console.error(
      `Refusing to listen on ${host} with a real GHL_TOKEN and no authorization: anyone who reaches the server could ` +
        'upload with the token. Put the route behind your own authorize (see the README, "Security model"), or set ' +
        'GHL_AUTHORIZE=anyone if a proxy in front already authenticates every request.',
    );
    process.exit(1);
  }
  log('Authorization: none (GHL_AUTHORIZE unset); only this machine can reach the server, since it listens on loopback.');
  return 'anyone';
}

const api = toNodeHandler(createUploadHandler({ ...bffOptions, logger }));
const appApi = mock ? mockAppHandler() : undefined;

// frame.html is the page HighLevel (or a CRM) frames: only they and this origin may frame it.
const frameAncestors = [...HIGHLEVEL_APP_ORIGINS, ...listOf(process.env.GHL_FRAME_ANCESTORS ?? '')];
const frameHeaders = { '/frame.html': { 'Content-Security-Policy': frameAncestorsPolicy(frameAncestors) } };

/**
 * The Marketplace app's custom page in the demo: frame.html, whose relative endpoint then
 * resolves to /app/api/attachments, framed by the stand-in (on `localhost`, another site than
 * `127.0.0.1`, as HighLevel is to an app) and answered only by it.
 */
async function serveAppFrame(res: ServerResponse): Promise<void> {
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
  res.end(html);
}

const { build } = await import('vite');
// The standalone <ghl-attachments> script, for public/crm-page.html and frame.html.
log('Building the <ghl-attachments> script…');
await build({ root, mode: 'standalone', logLevel: 'warn', build: { outDir: 'dist/element' } });
const elementScript = serveStatic(`${root}dist/element`);

let page: (req: IncomingMessage, res: ServerResponse) => void;
if (dev) {
  const { createServer: createVite } = await import('vite');
  const vite = await createVite({ root, server: { middlewareMode: true }, appType: 'spa' });
  page = (req, res) => {
    if (req.url?.split('?')[0] === '/frame.html') res.setHeader('Content-Security-Policy', frameHeaders['/frame.html']['Content-Security-Policy']);
    vite.middlewares(req, res);
  };
} else {
  log('Building the demo page…');
  await build({ root, logLevel: 'warn' });
  const serve = serveStatic(`${root}dist/demo`, frameHeaders);
  page = (req, res) => void serve(req, res);
}

const server = createServer((req, res) => {
  try {
    if (mock?.handle(req, res)) return;
    const path = req.url?.split('?')[0] ?? '';
    if (path === '/api/attachments' || path.startsWith('/api/attachments/')) return api(req, res);
    if (appApi && (path === `${APP_PATH}/api/attachments` || path.startsWith(`${APP_PATH}/api/attachments/`))) return appApi(req, res);
    if (appApi && path === `${APP_PATH}/frame.html`) return void serveAppFrame(res);
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
  log(`\nghl-attachments demo: ${origin}/`);
  log(`A CRM page that is not React (custom element and iframe): ${origin}/crm-page.html`);
  if (mock) {
    log(`As a HighLevel Marketplace app, inside a stand-in for HighLevel: ${standInOrigin}/highlevel/custom-page.html`);
    log(`  (switch sub-account on the left, install the app, drop a file; shared state: ${process.env.GHL_REDIS_URL ? 'Redis' : 'this process'})`);
  }
  log(
    mock
      ? `HighLevel: the local mock at ${origin}/highlevel (set GHL_TOKEN and GHL_LOCATION_ID, or GHL_CLIENT_ID and ` +
          'GHL_CLIENT_SECRET, for the real API). Authorization: anyone may upload (the mock’s token reaches nothing real).'
      : `HighLevel: ${bffOptions.apiBase ?? 'https://services.leadconnectorhq.com'}, ${
          bffOptions.highLevelSso ? 'the location of each HighLevel SSO session' : `location ${String(bffOptions.locationId)}`
        }`,
  );
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
