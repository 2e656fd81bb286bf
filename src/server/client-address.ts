import { isIP } from 'node:net';

/**
 * Who is at the other end of a request, as far as this server can tell: the address the Node
 * adapter saw on the socket, or one a fetch-style host hands over (`clientAddress`), and, only
 * behind proxies the host says it runs (`trustProxy`), the entry those proxies added to
 * `X-Forwarded-For`. A client writes whatever it likes into that header, so without a trusted
 * proxy it is never read.
 */
const socketAddresses = new WeakMap<Request, string>();

/** Records the socket's address of `request` (used by the Node adapter). */
export function attachClientAddress(request: Request, address: string | undefined): void {
  const normalized = address === undefined ? undefined : normalizeAddress(address);
  if (normalized) socketAddresses.set(request, normalized);
}

/** How the route learns a request's client address. */
export interface ClientAddressOptions {
  /** The number of proxies in front of this server whose `X-Forwarded-For` entries are trusted. */
  trustedProxies: number;
  /** The host's own lookup, for servers without a socket (Next.js, Hono, workers). */
  clientAddress: ((request: Request) => string | undefined) | undefined;
}

/**
 * The client's address, or `undefined` when nothing says it (a fetch-style server without
 * `clientAddress` or a trusted proxy): per-address bounds then do not apply, rather than lumping
 * every client into one bucket that a single stranger could fill.
 */
export function clientAddressOf(request: Request, options: ClientAddressOptions): string | undefined {
  const given = options.clientAddress?.(request);
  const direct = (given === undefined ? undefined : normalizeAddress(given)) ?? socketAddresses.get(request);
  if (options.trustedProxies === 0) return direct;
  // Each trusted proxy appends the address it received the request from; the entry that many
  // places from the right (the socket counting as the last) is the first one no proxy of ours
  // wrote. Fewer entries than proxies: the leftmost one there is.
  const hops = (request.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  const chain = direct === undefined ? hops : [...hops, direct];
  const index = chain.length - 1 - options.trustedProxies;
  const picked = chain[Math.max(0, index)];
  // An entry that is no address (`unknown`, a name, garbage) is not a key a client may choose:
  // the connection's own address stands in for it.
  return (picked === undefined ? undefined : normalizeAddress(picked)) ?? direct;
}

/**
 * The address as a bucket key, or `undefined` when it is none: a port some proxies append
 * (`1.2.3.4:5678`, `[2001:db8::1]:443`) is dropped, `::ffff:1.2.3.4` (in either spelling) is
 * 1.2.3.4, and an IPv6 address is counted by its /64, what one host can hold.
 */
export function normalizeAddress(address: string): string | undefined {
  let text = address.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) text = bracketed[1]!;
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/.test(text)) text = text.slice(0, text.lastIndexOf(':'));
  text = text.replace(/%.*$/, ''); // a zone (`fe80::1%eth0`) names an interface, not a host
  const kind = isIP(text);
  if (kind === 4) return text;
  if (kind !== 6) return undefined;
  const groups = expandIpv6(text);
  if (groups.length === 8 && groups.slice(0, 5).every((group) => group === '0') && groups[5] === 'ffff') {
    const [high, low] = [parseInt(groups[6]!, 16), parseInt(groups[7]!, 16)];
    return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  }
  return `${groups.slice(0, 4).join(':')}::/64`;
}

function expandIpv6(address: string): string[] {
  // A dotted tail (`::ffff:1.2.3.4`) is two groups.
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    address = `${address.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = tail === undefined ? [] : Array.from({ length: Math.max(0, 8 - left.length - right.length) }, () => '0');
  return [...left, ...fill, ...right].map((group) => group.replace(/^0+(?=.)/, ''));
}
