/**
 * Commands the browser-mode tests call in Vitest's Node process: a real BFF and mock on loopback
 * for a test running in Chromium, allowing the test page's origin (CORS), and stopping them.
 * The stack is loaded through Vitest's module runner, so the config itself stays light.
 */
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
};

export const browserCommands = { startUploadStack, failNextUpload, stopUploadStacks };

declare module 'vitest/browser' {
  interface BrowserCommands {
    /** A real BFF and mock that accept uploads from `pageOrigin`. */
    startUploadStack(pageOrigin: string): Promise<{ endpoint: string; stored: string }>;
    failNextUpload(status: number): Promise<void>;
    stopUploadStacks(): Promise<void>;
  }
}
