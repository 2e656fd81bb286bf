/**
 * The BFF alone in a child process, so that a test can read its memory apart from the clients'
 * (the kernel's count, /proc/self/status). Started by {@link startBffProcess}; options come as
 * JSON in BFF_OPTIONS, HighLevel's URL in MOCK_URL and its token in MOCK_TOKEN.
 */
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createUploadHandler, staticToken, toNodeHandler, type UploadHandlerOptions } from '../server/index.js';

/** A running BFF process. */
export interface BffProcess {
  endpoint: string;
  /** Resident memory now, in bytes. */
  rss(): Promise<number>;
  /** Highest resident memory so far, in bytes. */
  peakRss(): Promise<number>;
  /**
   * What the process's JavaScript holds after a collection, in bytes: the heap in use and the
   * memory behind Buffers. Unlike RSS, it leaves out what the allocator keeps from freed memory,
   * which varies from run to run and between Node lines.
   */
  held(): Promise<number>;
  stop(): Promise<void>;
}

type Serializable = Omit<UploadHandlerOptions, 'getToken' | 'authorize' | 'logger' | 'fetch' | 'locationId'>;

export async function startBffProcess(mock: { url: string; token: string; locationId: string }, options: Serializable = {}): Promise<BffProcess> {
  const child = fork(fileURLToPath(import.meta.url), {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, MOCK_URL: mock.url, MOCK_TOKEN: mock.token, MOCK_LOCATION: mock.locationId, BFF_OPTIONS: JSON.stringify(options) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (message: { port: number }) => resolve(message.port));
    child.once('exit', (code) => reject(new Error(`the BFF process exited (${code})`)));
  });
  const ask = (question: string) =>
    new Promise<{ rss: number; peakRss: number; held: number }>((resolve) => {
      child.once('message', resolve);
      child.send(question);
    });
  return {
    endpoint: `http://127.0.0.1:${port}/api/attachments`,
    rss: async () => (await ask('memory')).rss,
    peakRss: async () => (await ask('memory')).peakRss,
    held: async () => (await ask('memory')).held,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

if (process.send && process.env.BFF_OPTIONS) {
  const handle = toNodeHandler(
    createUploadHandler({
      // These tests are about memory, not the fleet's pace: no waiting for HighLevel's rate.
      rateLimit: false,
      ...(JSON.parse(process.env.BFF_OPTIONS) as Serializable),
      authorize: 'anyone',
      getToken: staticToken(process.env.MOCK_TOKEN!),
      locationId: process.env.MOCK_LOCATION!,
      apiBase: process.env.MOCK_URL!,
    }),
  );
  const server = createServer(handle);
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on('message', () => {
    // Garbage is not held memory: collect it before reading what is held. Buffers' memory is
    // given back after the collection that finds them dead, so a second one, a turn later,
    // reads what is still alive.
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    setImmediate(() => {
      gc?.();
      const memory = process.memoryUsage();
      process.send!({ rss: memory.rss, peakRss: process.resourceUsage().maxRSS * 1024, held: memory.heapUsed + memory.external });
    });
  });
}
