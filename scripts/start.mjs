// `npm start`: builds what changed since the last start (scripts/build-demo.mjs, in a process of
// its own, so that Vite and TypeScript never load into the server's), then runs the compiled
// server (.build/demo/start.js) in this process, on plain Node. `npm run dev` runs the
// TypeScript source under tsx with Vite's hot reload instead.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { staleParts } from './build-demo.mjs';

const build = fileURLToPath(new URL('./build-demo.mjs', import.meta.url));
if (staleParts().length > 0) {
  const run = spawnSync(process.execPath, [build], { stdio: 'inherit' });
  if (run.status !== 0) {
    console.error('npm start: the build failed (see above); nothing is served.');
    process.exit(run.status ?? 1);
  }
}
await import('../.build/demo/start.js');
