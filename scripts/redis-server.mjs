// Finds redis-server for the tests that run several BFF instances on one Redis, or installs
// Debian's package (apt-get, as root) where it is missing, and says so. REDIS_SERVER_PATH overrides.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const SYSTEM_PATHS = ['/usr/bin/redis-server', '/usr/local/bin/redis-server', '/usr/sbin/redis-server'];

/** A redis-server executable already on the machine, or `undefined`. */
export function findRedisServer() {
  const override = process.env.REDIS_SERVER_PATH;
  if (override) {
    if (!existsSync(override)) throw new Error(`REDIS_SERVER_PATH is set to ${override}, which does not exist.`);
    return override;
  }
  return SYSTEM_PATHS.find((path) => existsSync(path));
}

/** A redis-server executable, installing Debian's `redis-server` package when none is found. */
export function ensureRedisServer(log = (line) => console.log(`[redis] ${line}`)) {
  const found = findRedisServer();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    log("No redis-server found. Installing Debian's redis-server package with apt-get…");
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'redis-server'], { stdio: 'inherit', env });
    // The package starts a system service on port 6379; the tests start their own on a free port.
    const fromApt = findRedisServer();
    if (fromApt) return fromApt;
  }
  throw new Error(
    'No redis-server could be found or installed. Install it (e.g. `apt-get install redis-server`) ' +
      'or point REDIS_SERVER_PATH at a redis-server executable.',
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`[redis] using ${ensureRedisServer()}`);
}
