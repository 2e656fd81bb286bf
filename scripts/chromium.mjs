// Finds a Chromium for the e2e tests, or gets one: Playwright's own build where its download
// server can be reached, else Debian's package when running as root. CHROMIUM_PATH overrides.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const SYSTEM_PATHS = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
];

/** The flags Chromium needs on these machines: root (no sandbox), no GPU, no network chatter. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

function playwrightChromium() {
  try {
    const require = createRequire(import.meta.url);
    const { chromium } = require('playwright');
    const path = chromium.executablePath();
    return path && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** A Chromium executable already on the machine, or `undefined`. */
export function findChromium() {
  const override = process.env.CHROMIUM_PATH;
  if (override) {
    if (!existsSync(override)) throw new Error(`CHROMIUM_PATH is set to ${override}, which does not exist.`);
    return override;
  }
  return playwrightChromium() ?? SYSTEM_PATHS.find((path) => existsSync(path));
}

/** A Chromium executable, installing one when none is found; says what it does. */
export function ensureChromium(log = (line) => console.log(`[chromium] ${line}`)) {
  const found = findChromium();
  if (found) return found;

  log("No Chromium found. Trying Playwright's installer (npx playwright install chromium)…");
  const install = spawnSync('npx', ['playwright', 'install', 'chromium'], {
    stdio: 'inherit',
    timeout: 300_000,
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '' },
  });
  const fromPlaywright = playwrightChromium();
  if (install.status === 0 && fromPlaywright) return fromPlaywright;
  log("Playwright's download server cannot be reached from here.");

  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    log("Installing Debian's chromium package with apt-get…");
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
    const fromApt = findChromium();
    if (fromApt) return fromApt;
  }
  throw new Error(
    'No Chromium could be found or installed. Install Chromium (e.g. `apt-get install chromium`) ' +
      'or point CHROMIUM_PATH at a Chrome/Chromium executable.',
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(`[chromium] using ${ensureChromium()}`);
}
