import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';

/** Whether `address` (as `server.address()` gives it) is this machine's loopback. */
export function isLoopbackAddress(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (isIP(v4) === 4) return v4.startsWith('127.');
  return address === '::1';
}

/**
 * For a server that only this machine may use: a check that answers 421 to any request whose
 * `Host` is not a loopback name with the server's `port` (`localhost`, `127.0.0.1`, `[::1]`).
 * Listening on loopback keeps other machines out, but not a web page that a browser on this
 * machine opens: its attacker-controlled name can be made to resolve to 127.0.0.1 (DNS
 * rebinding), and the browser then sends that name as `Host`. Returns `true` when it answered.
 */
export function refuseOtherHosts(port: number) {
  const names = ['localhost', '127.0.0.1', '[::1]'];
  const allowed = new Set(names.map((name) => `${name}:${port}`));
  if (port === 80) for (const name of names) allowed.add(name);
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const host = (req.headers.host ?? '').toLowerCase();
    if (allowed.has(host)) return false;
    res.writeHead(421, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', Connection: 'close' });
    res.end(
      `Misdirected request: this server holds a real HighLevel token with no authorization (GHL_AUTHORIZE unset), so it ` +
        `answers only requests addressed to this machine (${names.map((name) => `${name}:${port}`).join(', ')}), ` +
        `not to "${host.slice(0, 100)}". Set GHL_AUTHORIZE (see docs/security.md) to serve other names.`,
    );
    return true;
  };
}
