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
  if (address) socketAddresses.set(request, normalizeAddress(address));
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
  const direct = options.clientAddress?.(request) ?? socketAddresses.get(request);
  if (options.trustedProxies === 0) return direct && normalizeAddress(direct);
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
  return picked === undefined ? undefined : normalizeAddress(picked);
}

/** `::ffff:1.2.3.4` is 1.2.3.4; an IPv6 address is counted by its /64, what one host can hold. */
function normalizeAddress(address: string): string {
  const lower = address.toLowerCase().replace(/^\[|\](:\d+)?$/g, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return mapped[1]!;
  if (!lower.includes(':')) return lower;
  return `${expandIpv6(lower).slice(0, 4).join(':')}::/64`;
}

function expandIpv6(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = tail === undefined ? [] : Array.from({ length: Math.max(0, 8 - left.length - right.length) }, () => '0');
  return [...left, ...fill, ...right].map((group) => group.replace(/^0+(?=.)/, ''));
}
