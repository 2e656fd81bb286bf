// `npm test`: every check, in order, each one run even when an earlier one failed, so a single
// run shows everything that is wrong. Ends with one line counting the tests of all runners.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { ensureChromium } from './chromium.mjs';
import { ensureRedisServer } from './redis-server.mjs';

const REPORTS = '.reports';
rmSync(REPORTS, { recursive: true, force: true });
mkdirSync(REPORTS, { recursive: true });

const env = { ...process.env, STORYBOOK_DISABLE_TELEMETRY: '1', PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: process.env.PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD ?? '1' };
const results = [];

function step(name, command, args, extraEnv = {}) {
  console.log(`\n▶ ${name}: ${[command, ...args].join(' ')}`);
  const started = Date.now();
  const run = spawnSync(command, args, { stdio: 'inherit', env: { ...env, ...extraEnv } });
  const ok = run.status === 0;
  results.push({ name, ok, seconds: ((Date.now() - started) / 1000).toFixed(1) });
  console.log(`${ok ? '✔' : '✘'} ${name} ${ok ? 'passed' : `failed (exit ${run.status ?? run.signal})`}`);
  return ok;
}

step('types', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.json']);
step('lint', 'npx', ['eslint', '.', '--max-warnings', '0']);
// docs/error-codes.md is written from src/shared/error-codes.ts; a stale page fails here.
step('error-code docs up to date', 'node', ['scripts/error-codes-doc.mjs', '--check']);
// The fleet and store tests run a real redis-server (started on a free port, stopped after):
// found on the machine, or Debian's package installed here (as root), and said so.
const redisServer = found('redis', 'redis-server', ensureRedisServer);
// A Chromium, found or installed, for the browser-mode unit tests and the e2e tests.
const chromium = found('chromium', 'chromium', ensureChromium);
step('unit and component tests', 'npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${REPORTS}/vitest.json`], {
  ...(redisServer ? { REDIS_SERVER_PATH: redisServer } : {}),
  ...(chromium ? { CHROMIUM_PATH: chromium } : {}),
});

// The package as users get it: the build (with its size budget), publint and "are the types
// wrong", then the tarball installed into a fresh app (scripts/pack-test.mjs).
if (step('build and size budget', 'node', ['scripts/build.mjs'])) {
  step('package checks (publint, attw)', 'npm', ['run', '--silent', 'check:package']);
  step('pack test', 'node', ['scripts/pack-test.mjs']);
}

if (chromium) step('e2e tests (Chromium)', 'npx', ['playwright', 'test'], { CHROMIUM_PATH: chromium });

// Counts from the runners' own JSON reports.
let passed = 0;
let failed = 0;
let skipped = 0;
const vitest = readJson(`${REPORTS}/vitest.json`);
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
  skipped += vitest.numPendingTests + vitest.numTodoTests;
}
const pack = readJson(`${REPORTS}/pack.json`);
if (pack) {
  passed += pack.passed;
  failed += pack.failed;
}
const e2e = readJson(`${REPORTS}/e2e.json`);
if (e2e) {
  passed += e2e.stats.expected + e2e.stats.flaky;
  failed += e2e.stats.unexpected;
  skipped += e2e.stats.skipped;
}

console.log('\nSummary');
for (const result of results) console.log(`  ${result.ok ? '✔' : '✘'} ${result.name} (${result.seconds} s)`);
const allOk = results.every((result) => result.ok) && failed === 0 && passed > 0;
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(allOk ? 0 : 1);

/** A tool found or installed by `ensure`, said so; undefined (and a failed step) when neither. */
function found(tag, name, ensure) {
  try {
    const path = ensure();
    console.log(`[${tag}] using ${path}`);
    return path;
  } catch (error) {
    console.error(`[${tag}] ${error.message}`);
    results.push({ name, ok: false, seconds: '0' });
    return undefined;
  }
}

function readJson(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
}
