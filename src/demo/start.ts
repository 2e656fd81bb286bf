/**
 * `npm start`: the demo page, the BFF at /api/attachments and, without GHL_TOKEN, the HighLevel
 * mock at /highlevel, all on one origin. `--dev` serves the page through Vite with hot reload
 * instead of building it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createMockHighLevel } from '../mock-highlevel/index.js';
import { createUploadHandler, optionsFromEnv, staticToken, toNodeHandler, type UploadHandlerOptions } from '../server/index.js';
import { serveStatic } from './serve-static.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
const dev = process.argv.includes('--dev');
const origin = `http://${host}:${port}`;

const envOptions = optionsFromEnv();
const mock = envOptions ? undefined : createMockHighLevel({ basePath: '/highlevel' });
const bffOptions: UploadHandlerOptions = envOptions ?? {
  getToken: staticToken(mock!.token),
  locationId: mock!.locationId,
  apiBase: `${origin}/highlevel`,
};
const api = toNodeHandler(
  createUploadHandler({
    ...bffOptions,
    logger: { warn: (message, fields) => console.warn(`[bff] ${message}`, fields ?? '') },
  }),
);

const { build } = await import('vite');
// The standalone <ghl-attachments> script, for public/crm-page.html and frame.html.
console.log('Building the <ghl-attachments> script…');
await build({ root, mode: 'standalone', logLevel: 'warn', build: { outDir: 'dist/element' } });
const elementScript = serveStatic(`${root}dist/element`);

let page: (req: IncomingMessage, res: ServerResponse) => void;
if (dev) {
  const { createServer: createVite } = await import('vite');
  const vite = await createVite({ root, server: { middlewareMode: true }, appType: 'spa' });
  page = (req, res) => vite.middlewares(req, res);
} else {
  console.log('Building the demo page…');
  await build({ root, logLevel: 'warn' });
  page = (req, res) => void serveStatic(`${root}dist/demo`)(req, res);
}

const server = createServer((req, res) => {
  if (mock?.handle(req, res)) return;
  if (req.url === '/api/attachments' || req.url?.startsWith('/api/attachments?')) return api(req, res);
  if (req.url === '/ghl-attachments.js') return void elementScript(req, res);
  page(req, res);
});
server.on('error', (error: NodeJS.ErrnoException) => {
  console.error(error.code === 'EADDRINUSE' ? `Port ${port} is taken: set PORT to another one.` : error.message);
  process.exit(1);
});
server.listen(port, host, () => {
  console.log(`\nghl-attachments demo: ${origin}/`);
  console.log(`A CRM page that is not React (custom element and iframe): ${origin}/crm-page.html`);
  console.log(
    mock
      ? `HighLevel: the local mock at ${origin}/highlevel (set GHL_TOKEN and GHL_LOCATION_ID for the real API)`
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
