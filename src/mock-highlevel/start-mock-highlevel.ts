import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMockHighLevel, type MockHighLevel, type MockHighLevelOptions } from './create-mock-highlevel.js';

/** Options of {@link startMockHighLevel}. */
export interface StartMockHighLevelOptions extends MockHighLevelOptions {
  /** Default: 0, any free port. */
  port?: number;
  /** Default: `127.0.0.1`, loopback only. */
  host?: string;
}

/** A mock listening on its own port. */
export interface RunningMockHighLevel extends MockHighLevel {
  /** `http://127.0.0.1:PORT`: pass it as the BFF's `apiBase`. */
  readonly url: string;
  readonly server: Server;
  /** Stops listening and removes the stored files. */
  close(): Promise<void>;
}

/** Starts the mock on its own loopback port, for tests and for trying the BFF by hand. */
export async function startMockHighLevel(options: StartMockHighLevelOptions = {}): Promise<RunningMockHighLevel> {
  const { port = 0, host = '127.0.0.1', ...mockOptions } = options;
  const mock = createMockHighLevel(mockOptions);
  const server = createServer((req, res) => {
    if (!mock.handle(req, res)) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ statusCode: 404, message: `Cannot ${req.method} ${req.url}`, error: 'Not Found' }));
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  return Object.assign(mock, {
    url: `http://${host}:${address.port}${mockOptions.basePath ?? ''}`,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mock.dispose();
    },
  });
}
