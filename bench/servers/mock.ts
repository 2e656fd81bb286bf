// The HighLevel mock as the upstream of every benchmark, in a process of its own.
import { createServer } from 'node:http';
import { createMockHighLevel } from '../../src/mock-highlevel/index.js';
import { LOCATIONS, tokenOf } from '../locations.js';
import { serveForBench } from './server-process.js';

const mock = createMockHighLevel({
  // `mock-token` for the bare proxy and buffering; a token per location for the BFF.
  tokens: [{ token: 'mock-token', locationId: 'mock-location' }, ...LOCATIONS.map((locationId) => ({ token: tokenOf(locationId), locationId }))],
  maxFileSize: Number(process.env.MAX_FILE_SIZE ?? 5_242_880),
  rateLimits: { max: 1e9, daily: 1e9 },
});
serveForBench(
  createServer((req, res) => {
    if (!mock.handle(req, res)) res.writeHead(404).end();
  }),
  () => mock.dispose(),
);
