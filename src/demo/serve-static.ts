import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
};

/** Extra headers for some files, by path (e.g. a framing policy for `/frame.html`). */
export type ExtraHeaders = Record<string, Record<string, string>>;

/**
 * Serves the built demo from `root`; unknown paths get `index.html` (it is a one-page app). A
 * path that does not decode is answered 400; nothing a client sends can throw out of here.
 */
export function serveStatic(root: string, extra: ExtraHeaders = {}) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Bad request: the path does not decode.');
      return;
    }
    const file = normalize(join(root, path));
    const inside = (file === root || file.startsWith(root + sep)) && !path.includes('\0');
    const target = inside && (await isFile(file)) ? file : join(root, 'index.html');
    const hashed = target.includes(`${sep}assets${sep}`);
    res.writeHead(200, {
      'Content-Type': TYPES[extname(target)] ?? 'application/octet-stream',
      'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      ...extra[path],
    });
    createReadStream(target)
      .on('error', () => res.destroy())
      .pipe(res);
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
