// The floor of being a proxy: pipes the request to HighLevel and the answer back, adding only the
// token. No parsing, no checks.
import { createServer, request } from 'node:http';
import { env, serveForBench } from './server-process.js';

const upstream = new URL('/conversations/messages/upload', env('MOCK_URL'));
serveForBench(
  createServer((req, res) => {
    const forward = request(
      upstream,
      {
        method: 'POST',
        headers: { ...req.headers, host: upstream.host, authorization: 'Bearer mock-token', version: '2021-04-15' },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  }),
);
