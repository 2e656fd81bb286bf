/**
 * Commands the browser-mode tests call in Vitest's Node process: a real BFF and mock on loopback
 * for a test running in Chromium, allowing the test page's origin (CORS), and stopping them.
 * The stack is loaded through Vitest's module runner, so the config itself stays light.
 */
import type { Route } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserCommand } from 'vitest/node';
import type { Stack, startStack as StartStack } from './start-stack.js';

const running: Stack[] = [];

const startUploadStack: BrowserCommand<[pageOrigin: string]> = async ({ project }, pageOrigin) => {
  const { startStack } = await project.import<{ startStack: typeof StartStack }>('./src/testing/start-stack.ts');
  const stack = await startStack({ mock: { conversations: ['conv1'], rateLimits: { max: 10_000 } }, bff: { allowedOrigins: [pageOrigin] } });
  running.push(stack);
  return { endpoint: stack.endpoint, stored: stack.mock.url };
};

/** The latest stack's HighLevel answers the next upload with `status` (a HighLevel failure). */
const failNextUpload: BrowserCommand<[status: number]> = async (_context, status) => {
  running.at(-1)?.mock.failNext({ kind: 'answer', status, body: {} });
};

const stopUploadStacks: BrowserCommand<[]> = async () => {
  await Promise.all(running.splice(0).map((stack) => stack.close()));
  for (const server of stuck.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
};

const stuck: Server[] = [];

/**
 * A route that approves `pageOrigin`'s preflights, then takes an upload's first bytes and reads
 * no more of it, nor answers: the upload's bytes stop moving, as over a connection that hangs.
 */
const startStuckServer: BrowserCommand<[pageOrigin: string]> = async (_context, pageOrigin) => {
  const server = createServer((req, res) => {
    const cors = { 'Access-Control-Allow-Origin': pageOrigin, 'Access-Control-Allow-Headers': 'x-requested-with, content-type', 'Access-Control-Allow-Methods': 'POST' };
    if (req.method === 'OPTIONS') res.writeHead(204, cors).end();
    else if (req.method === 'POST') req.pause();
    else res.writeHead(404, cors).end();
  });
  stuck.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/attachments` };
};

/** What `cutScripts` routes, to take back: test files share one page, each in a frame of its own. */
let cut: { matcher: (url: URL) => boolean; handler: (route: Route) => Promise<void> } | undefined;

/**
 * The calling test file's requests for scripts whose path contains `part` fail as they do
 * offline, until `restoreScripts`; other files' requests (other frames of the page) go through.
 */
const cutScripts: BrowserCommand<[part: string]> = async (context, part) => {
  const frame = await context.frame();
  const matcher = (url: URL) => url.pathname.includes(part);
  const handler = (route: Route) => (route.request().frame() === frame ? route.abort('internetdisconnected') : route.fallback());
  cut = { matcher, handler };
  await context.page.route(matcher, handler);
};

const restoreScripts: BrowserCommand<[]> = async (context) => {
  if (cut) await context.page.unroute(cut.matcher, cut.handler);
  cut = undefined;
};

export const browserCommands = { startUploadStack, startStuckServer, failNextUpload, stopUploadStacks, cutScripts, restoreScripts };

declare module 'vitest/browser' {
  interface BrowserCommands {
    /** A real BFF and mock that accept uploads from `pageOrigin`. */
    startUploadStack(pageOrigin: string): Promise<{ endpoint: string; stored: string }>;
    failNextUpload(status: number): Promise<void>;
    /** A route whose uploads stop moving after their first bytes (see `startStuckServer`). */
    startStuckServer(pageOrigin: string): Promise<{ endpoint: string }>;
    stopUploadStacks(): Promise<void>;
    /** Script requests whose path contains `part` fail as offline, until `restoreScripts`. */
    cutScripts(part: string): Promise<void>;
    restoreScripts(): Promise<void>;
  }
}
