// ghl-attachments' BFF, as a user runs it: the fetch handler behind the Node adapter, with
// HighLevel's pace per location on (the default), over the bench's locations.
import { createServer } from 'node:http';
import { createUploadHandler, toNodeHandler } from '../../src/server/index.js';
import { LOCATION_HEADER, LOCATIONS, tokenOf } from '../locations.js';
import { env, serveForBench } from './server-process.js';

const known = new Set(LOCATIONS);
const handle = toNodeHandler(
  createUploadHandler({
    authorize: 'anyone',
    // The location comes with each request (a host app would take it from its session).
    locationId: (request) => {
      const named = request.headers.get(LOCATION_HEADER) ?? '';
      return known.has(named) ? named : LOCATIONS[0]!;
    },
    getToken: ({ locationId }) => tokenOf(locationId),
    apiBase: env('MOCK_URL'),
    maxFileSize: Number(process.env.MAX_FILE_SIZE ?? 5_242_880),
    previewSecret: 'bench-preview-secret-of-at-least-32-characters',
    // Every upload comes from one loopback address standing for many users: the per-address
    // bound (32 at once by default) would refuse the 64 concurrent uploads of the memory figure.
    maxInFlightPerAddress: 256,
  }),
);
serveForBench(createServer((req, res) => handle(req, res)));
