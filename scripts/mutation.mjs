// `npm run test:mutation -- <folder> [--force] [--concurrency=N] [files…]`: Stryker over one
// folder of src, or some of its files (stryker.config.mjs says what each folder holds and its
// threshold: 90 % for the server, 85 % for the rest). `--force` tries every mutant of what it
// runs again instead of reusing the incremental file's results: Stryker never retries a static
// mutant that survived (one no test covers on its own), however many tests were added since, so
// a file whose module-level values gained tests needs it. `--concurrency=N` sets how many test
// processes run side by side (2 by default): the server's suites wait on timers much of the time.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { FOLDERS } from '../stryker.config.mjs';

const folder = process.argv[2];
if (!FOLDERS[folder]) {
  console.error(`Usage: npm run test:mutation -- <${Object.keys(FOLDERS).join('|')}> [--force] [--concurrency=N] [files…]`);
  process.exit(2);
}
mkdirSync('reports/mutation', { recursive: true });
const started = Date.now();
const rest = process.argv.slice(3);
const files = rest.filter((arg) => !arg.startsWith('--'));
const known = (arg) => arg === '--force' || /^--concurrency=[1-9]\d?$/.test(arg);
const flags = rest.filter((arg) => arg.startsWith('--'));
const unknown = flags.filter((arg) => !known(arg));
if (unknown.length > 0) {
  console.error(`Unknown option ${unknown.join(' ')}; the options are --force and --concurrency=N (1 to 99).`);
  process.exit(2);
}
const run = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs', ...flags.flatMap((flag) => flag.split('='))], {
  stdio: 'inherit',
  env: { ...process.env, MUTATION_FOLDER: folder, MUTATION_FILES: files.join(','), MUTATION_PROJECTS: FOLDERS[folder].projects.join(',') },
});
const globs = FOLDERS[folder].mutate;
const left = globs.filter((glob) => glob.startsWith('!')).length;
const what = files.length > 0 ? files.join(', ') : globs.filter((glob) => !glob.startsWith('!')).join(', ') + (left > 0 ? ` less ${left} left out` : '');
console.log(`mutation testing of ${what}: ${((Date.now() - started) / 60_000).toFixed(1)} min`);
process.exit(run.status ?? 1);
