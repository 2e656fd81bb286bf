// ghl-attachments' BFF, as a user runs it: the fetch handler behind the Node adapter.
import { createServer } from 'node:http';
import { createUploadHandler, staticToken, toNodeHandler } from '../../src/server/index.js';
import { env, serveForBench } from './server-process.js';

const handle = toNodeHandler(
  createUploadHandler({
    authorize: 'anyone',
    // The bench measures the BFF's own speed, not HighLevel's pace: the fleet-wide limiter is off.
    rateLimit: false,
    getToken: staticToken('mock-token'),
    locationId: 'mock-location',
    apiBase: env('MOCK_URL'),
    maxFileSize: Number(process.env.MAX_FILE_SIZE ?? 5_242_880),
  }),
);
serveForBench(createServer((req, res) => handle(req, res)));

