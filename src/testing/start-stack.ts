import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMockHighLevel, type RunningMockHighLevel, type StartMockHighLevelOptions } from '../mock-highlevel/index.js';
import { createUploadHandler, toNodeHandler, staticToken, type NodeHandlerOptions, type UploadHandlerOptions } from '../server/index.js';

/** The real BFF on a loopback port, in front of a real mock HighLevel: what tests run against. */
export interface Stack {
  mock: RunningMockHighLevel;
  /** `http://127.0.0.1:PORT`, the BFF's origin. */
  origin: string;
  /** `${origin}/api/attachments`. */
  endpoint: string;
  server: Server;
  close(): Promise<void>;
}

export async function startStack(
  options: {
    mock?: StartMockHighLevelOptions;
    bff?: Partial<UploadHandlerOptions>;
    /** The Node adapter's own options. */
    node?: NodeHandlerOptions;
    /** Extra routes on the BFF's server, by exact path. */
    routes?: Record<string, (req: IncomingMessage, res: ServerResponse) => void>;
  } = {},
): Promise<Stack> {
  const mock = await startMockHighLevel(options.mock);
  const handle = toNodeHandler(
    createUploadHandler({
      // Tests that are about authorization pass their own.
      authorize: 'anyone',
      // Tests that are about the fleet's pace pass their own: the others send more than 100 in 10 s.
      rateLimit: false,
      // Tests that are about logging pass their own: the default writes warnings to the console.
      logger: {},
      // Every test client is on the loopback address, often many at once: tests of the
      // per-address and per-location shares pass their own.
      maxInFlightPerAddress: 10_000,
      maxUploadsPerLocation: 10_000,
      getToken: options.bff?.getToken ?? staticToken(mock.token),
      locationId: mock.locationId,
      apiBase: mock.url,
      ...options.bff,
    }),
    options.node,
  );
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/api/attachments')) {
      handle(req, res);
      return;
    }
    const route = options.routes?.[req.url ?? ''];
    if (route) {
      route(req, res);
      return;
    }
    res.writeHead(404).end();
  });
  // Longer than the clients' own keep-alive (undici's 4 s), so the client always gives up an idle
  // connection first: with Node's 5 s, a loaded machine lets a test reuse one the server is just
  // closing, and its POST fails with ECONNRESET before a byte reaches the BFF.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    mock,
    origin,
    endpoint: `${origin}/api/attachments`,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mock.close();
    },
  };
}
