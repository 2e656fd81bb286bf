// `npm run test:mutation -- <folder> [files…]`: Stryker over one folder of src, or some of its
// files (stryker.config.mjs says what each folder holds and its threshold: 90 % for the server,
// 85 % for the rest).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { FOLDERS } from '../stryker.config.mjs';

const folder = process.argv[2];
if (!FOLDERS[folder]) {
  console.error(`Usage: npm run test:mutation -- <${Object.keys(FOLDERS).join('|')}>`);
  process.exit(2);
}
mkdirSync('reports/mutation', { recursive: true });
const started = Date.now();
const files = process.argv.slice(3);
const run = spawnSync('npx', ['stryker', 'run', 'stryker.config.mjs'], {
  stdio: 'inherit',
  env: { ...process.env, MUTATION_FOLDER: folder, MUTATION_FILES: files.join(','), MUTATION_PROJECTS: FOLDERS[folder].projects.join(',') },
});
console.log(`mutation testing of src/${folder}: ${((Date.now() - started) / 60_000).toFixed(1)} min`);
process.exit(run.status ?? 1);
