import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StoredFile } from './handle-upload.js';

/** Serves a stored file's bytes with its type and length, as HighLevel's asset host does. */
export function serveStoredFile(file: StoredFile | undefined, req: IncomingMessage, res: ServerResponse): void {
  if (!file) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Not Found');
    return;
  }
  res.writeHead(200, {
    'Content-Type': file.contentType,
    'Content-Length': String(file.size),
    'Cache-Control': 'public, max-age=3600',
    // Files are shown on other origins (the widget's page), as HighLevel's CDN allows.
    'Access-Control-Allow-Origin': '*',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file.path)
    .on('error', () => res.destroy())
    .pipe(res);
}
