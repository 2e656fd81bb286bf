import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, posix, relative, resolve, sep } from 'node:path';

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

/** The framing policy of every HTML page unless `extra` says otherwise: only its own origin. */
export const OWN_ORIGIN_FRAMING = "frame-ancestors 'self'";

/**
 * Extra headers for some files, by the file's path inside the root, with `/` between folders
 * (e.g. `frame.html`, or `app/frame.html`): the framing policy of the page meant to be framed.
 */
export type ExtraHeaders = Record<string, Record<string, string>>;

const text = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', ...headers }).end(body);

/**
 * Serves the built demo from `folder`, to `GET` and `HEAD` only (405 otherwise): a folder by its
 * `index.html`, anything else that is no file 404. The headers are chosen by the file served, never by how its path was spelled
 * (`/%2Fframe.html` and `/frame.html` are one file, with one policy), and every HTML page
 * carries a framing policy, its own origin's unless `extra` names one for it. A file whose name
 * matches no entry of `extra` (another case on a case-insensitive disk, say) gets the default,
 * the strictest. A target that names a host (`http://other.example/x`) is answered 421, a path
 * that does not decode 400, one that climbs out of `folder` 404; nothing a client sends can
 * throw out of here.
 */
export function serveStatic(folder: string, extra: ExtraHeaders = {}) {
  const root = resolve(folder);
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = req.url ?? '/';
    // Only the origin form (`/path`): an absolute target names a host this server does not
    // claim to be, and `*` names none.
    if (!target.startsWith('/')) return void text(res, 421, 'Misdirected request: this server answers for its own paths only, not for another host.');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return void text(res, 405, `Method not allowed: the demo's files are read with GET or HEAD, not ${req.method ?? ''}.`, { Allow: 'GET, HEAD' });
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(`http://x${target}`).pathname);
    } catch {
      return void text(res, 400, 'Bad request: the path does not decode.');
    }
    const file = normalize(join(root, path));
    const inside = (file === root || file.startsWith(root + sep)) && !path.includes('\0');
    const served = inside ? await fileAt(file) : undefined;
    if (!served) return void text(res, 404, 'Not found.');
    const name = relative(root, served).split(sep).join('/');
    const type = TYPES[extname(served)] ?? 'application/octet-stream';
    res.writeHead(200, {
      'Content-Type': type,
      'Cache-Control': name.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      'X-Content-Type-Options': 'nosniff',
      ...(type.startsWith('text/html') ? { 'Content-Security-Policy': OWN_ORIGIN_FRAMING } : {}),
      ...extra[name],
    });
    if (req.method === 'HEAD') return void res.end();
    createReadStream(served)
      .on('error', () => res.destroy())
      .pipe(res);
  };
}

/**
 * The file a request target names, as a path inside the served folder with `/` between folders
 * (`/%2F./frame.html` is `frame.html`, `/../x` is `x`, as for the served folder); `undefined`
 * when it does not decode.
 */
export function staticName(target: string): string | undefined {
  try {
    const path = decodeURIComponent(new URL(`http://x${target}`).pathname);
    // Normalized as an absolute path, which cannot climb above its root.
    return posix.normalize(path.replaceAll('\\', '/')).replace(/^\/+/, '');
  } catch {
    return undefined;
  }
}

/** The file to serve for `path`: itself, or a folder's `index.html`; `undefined` when none. */
async function fileAt(path: string): Promise<string | undefined> {
  try {
    const found = await stat(path);
    if (found.isFile()) return path;
    if (found.isDirectory()) return (await stat(join(path, 'index.html'))).isFile() ? join(path, 'index.html') : undefined;
  } catch {
    // Missing, or a path through a file (`/frame.html/`).
  }
  return undefined;
}
