/** A redis-server executable already on the machine, or `undefined`. */
export function findRedisServer(): string | undefined;
/** A redis-server executable, installing Debian's `redis-server` package when none is found. */
export function ensureRedisServer(log?: (line: string) => void): string;
