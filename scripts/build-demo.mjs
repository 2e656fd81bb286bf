// What `npm start` serves, built when its inputs changed: the demo page (dist/demo), the
// <ghl-attachments> script (dist/element) and the server code, compiled to JavaScript in .build/
// so that the server runs on plain `node`. Each part keeps a fingerprint of its inputs (path,
// size and modification time of every file) in .build/stamps/; a part is built again when the
// fingerprint differs or its output is missing, so a fresh clone builds everything once.
//
// `node scripts/build-demo.mjs`: builds what is stale, in this process (Vite and TypeScript load
// here, never in the server's process). `staleParts()` is what `scripts/start.mjs` asks first.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ownRoot = fileURLToPath(new URL('..', import.meta.url));
const stampsOf = (root) => join(root, '.build', 'stamps');
/** Test files and the like change no output. */
const ignored = (name) => /\.test\.[cm]?[jt]sx?$/.test(name) || name === 'node_modules';
/** What the browser's bundles are made of: src/ but the server side and the tests' helpers. */
const BROWSER_SOURCES = ['src/index.ts', 'src/react', 'src/client', 'src/shared', 'src/embed', 'src/demo'];
/** How the parts are built is an input of each: this script, the project's settings. */
const SETTINGS = ['scripts/build-demo.mjs', 'tsconfig.json', 'package.json'];

/** @type {Record<string, { label: string, inputs: string[], output: string, build: (root: string) => Promise<void> }>} */
const PARTS = {
  page: {
    label: 'the demo page',
    inputs: ['index.html', 'public', ...BROWSER_SOURCES, 'vite.config.ts', 'package-lock.json', ...SETTINGS],
    output: 'dist/demo/index.html',
    build: async (root) => (await import('vite')).build({ root, logLevel: 'warn' }).then(() => undefined),
  },
  element: {
    label: 'the <ghl-attachments> script',
    inputs: [...BROWSER_SOURCES, 'vite.config.ts', 'package-lock.json', ...SETTINGS],
    output: 'dist/element/ghl-attachments.js',
    build: async (root) =>
      (await import('vite')).build({ root, mode: 'standalone', logLevel: 'warn', build: { outDir: 'dist/element' } }).then(() => undefined),
  },
  server: {
    label: 'the server code',
    inputs: ['src/demo', 'src/server', 'src/mock-highlevel', 'src/shared', 'tsconfig.server.json', ...SETTINGS],
    output: '.build/demo/start.js',
    build: async (root) => {
      // Only the compiled code goes: the stamps stay, each one vouching for its own part.
      for (const entry of existsSync(join(root, '.build')) ? readdirSync(join(root, '.build')) : []) {
        if (entry !== 'stamps') rmSync(join(root, '.build', entry), { recursive: true, force: true });
      }
      const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
      const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.server.json')], { stdio: 'inherit' });
      if (run.status !== 0) throw new Error('compiling the server code failed');
    },
  },
};

function* files(path) {
  let entries;
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    yield path;
    return;
  }
  for (const entry of entries) {
    if (ignored(entry.name)) continue;
    const full = join(path, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else yield full;
  }
}

/** The fingerprint of a part's inputs in `root` as they are now. */
function fingerprint(part, root) {
  const hash = createHash('sha256');
  for (const input of part.inputs) {
    for (const file of files(join(root, input))) {
      const info = statSync(file, { throwIfNoEntry: false });
      hash.update(`${relative(root, file)}\0${info?.size ?? -1}\0${info?.mtimeMs ?? -1}\n`);
    }
  }
  return hash.digest('hex');
}

/**
 * The parts whose output is missing or whose inputs changed since they were built, each with
 * its fingerprint now. `root`: the project's folder. Default: this one.
 */
export function staleParts(root = ownRoot) {
  return Object.entries(PARTS).flatMap(([name, part]) => {
    const now = fingerprint(part, root);
    const stamp = join(stampsOf(root), name);
    const fresh = existsSync(join(root, part.output)) && existsSync(stamp) && readFileSync(stamp, 'utf8') === now;
    return fresh ? [] : [{ name, label: part.label, fingerprint: now }];
  });
}

/**
 * Builds `stale` (from `staleParts(root)`) one after another with `build` (default: each part's
 * own build), stamping each once it is built.
 */
export async function buildParts(stale, root = ownRoot, build = (name) => PARTS[name].build(root)) {
  mkdirSync(stampsOf(root), { recursive: true });
  for (const { name, fingerprint: inputs } of stale) {
    const stamp = join(stampsOf(root), name);
    rmSync(stamp, { force: true });
    await build(name);
    // The inputs as they were before the build: a file edited meanwhile makes the next start build again.
    writeFileSync(stamp, inputs);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const stale = staleParts();
  if (stale.length === 0) console.log('Nothing to build: the demo page, the element script and the server code are up to date.');
  else {
    console.log(`Building ${stale.map((part) => part.label).join(', ')}…`);
    await buildParts(stale);
  }
}
