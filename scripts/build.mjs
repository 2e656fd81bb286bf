// `npm run build`: the npm package in dist/ — ES modules per entry point, type declarations,
// styles.css, the standalone <ghl-attachments> script — then the size budget, which fails the
// build when passed.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { build } from 'vite';
import { checkBudgets } from './size-budget.mjs';

for (const path of ['dist/index.js', 'dist/server.js', 'dist/mock.js', 'dist/client.js', 'dist/embed.js', 'dist/ghl-attachments.js', 'dist/chunks', 'dist/types', 'dist/styles.css']) {
  rmSync(path, { recursive: true, force: true });
}
mkdirSync('dist', { recursive: true });

console.log('▶ library (ES modules)');
await build({ mode: 'lib', logLevel: 'warn' });
console.log('▶ standalone script (dist/ghl-attachments.js)');
await build({ mode: 'standalone', logLevel: 'warn' });
copyFileSync('src/react/styles.css', 'dist/styles.css');

console.log('▶ type declarations');
const tsc = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

console.log('▶ size budget');
const ok = await checkBudgets();
process.exit(ok ? 0 : 1);
