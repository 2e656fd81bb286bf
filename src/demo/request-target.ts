import type { IncomingMessage, ServerResponse } from 'node:http';

const refuse = (res: ServerResponse, status: number, body: string) =>
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', Connection: 'close' }).end(body);

/**
 * Brings the request's target to the origin form (`/path?query`) every route of the demo
 * matches on, or answers. An absolute target (`POST http://other.example/api/attachments`, as
 * sent to a proxy) is taken as its path when it names the host of `Host` (HTTP/1.1 servers must
 * accept that form), and answered 421 when it names another: this server is no proxy to it.
 * Anything else that is no path (`*`) is answered 400. Returns `true` when it answered.
 */
export function answerOtherTargets(req: IncomingMessage, res: ServerResponse): boolean {
  const target = req.url ?? '';
  if (target.startsWith('/')) return false;
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    refuse(res, 400, 'Bad request: the request target is not a path.');
    return true;
  }
  const host = (req.headers.host ?? '').toLowerCase();
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.host !== host) {
    refuse(res, 421, `Misdirected request: this server answers for ${host.slice(0, 100) || 'its own host'}, and is no proxy to another.`);
    return true;
  }
  req.url = `${url.pathname}${url.search}`;
  return false;
}
