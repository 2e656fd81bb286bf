/**
 * `npm start`: the demo page, the BFF at /api/attachments and, without GHL_TOKEN, the HighLevel
 * mock at /highlevel, all on one origin. `--dev` serves the page through Vite with hot reload
 * instead of building it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createMockHighLevel } from '../mock-highlevel/index.js';
import {
  HIGHLEVEL_APP_ORIGINS,
  createUploadHandler,
  deploymentFromEnv,
  frameAncestorsPolicy,
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
// The mock plays HighLevel's secure attachments (public for an hour), so previews go through the
// BFF's signed links as they will against HighLevel itself.
const mock = envOptions ? undefined : createMockHighLevel({ basePath: '/highlevel', secureFiles: {} });
const bffOptions: UploadHandlerOptions = envOptions
  ? { ...envOptions, authorize: decideAuthorization(envOptions.authorize) }
  : {
      getToken: staticToken(mock!.token),
      locationId: mock!.locationId,
      apiBase: `${origin}/highlevel`,
      ...deploymentFromEnv(),
      // The mock's token reaches nothing real: every caller may use it.
      authorize: 'anyone',
    };

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

const api = toNodeHandler(
  createUploadHandler({
    ...bffOptions,
    logger: { warn: (message, fields) => console.warn(`[bff] ${message}`, fields ?? '') },
  }),
);

// frame.html is the page HighLevel (or a CRM) frames: only they and this origin may frame it.
const frameAncestors = [...HIGHLEVEL_APP_ORIGINS, ...listOf(process.env.GHL_FRAME_ANCESTORS ?? '')];
const frameHeaders = { '/frame.html': { 'Content-Security-Policy': frameAncestorsPolicy(frameAncestors) } };

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
    if (req.url === '/api/attachments' || req.url?.startsWith('/api/attachments?')) return api(req, res);
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
  log(
    mock
      ? `HighLevel: the local mock at ${origin}/highlevel (set GHL_TOKEN and GHL_LOCATION_ID for the real API). ` +
          'Authorization: anyone may upload (the mock’s token reaches nothing real).'
      : `HighLevel: ${bffOptions.apiBase ?? 'https://services.leadconnectorhq.com'}, location ${String(bffOptions.locationId)}`,
  );
});

const stop = () => {
  server.closeAllConnections();
  server.close();
  void mock?.dispose().then(() => process.exit(0));
  if (!mock) process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
