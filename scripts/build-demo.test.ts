import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildParts, staleParts } from './build-demo.mjs';

const REPO = fileURLToPath(new URL('..', import.meta.url));
let root: string;
const write = (path: string, text = 'x') => {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
};
/** Moves a file's modification time on, as an edit that keeps its size would. */
const touch = (path: string) => {
  const { atime, mtime } = statSync(join(root, path));
  utimesSync(join(root, path), atime, new Date(mtime.getTime() + 5000));
};
const stale = () => staleParts(root).map((part) => part.name);
/** A build that only writes each part's output, as the real one would. */
const fakeBuild = async (name: string) => {
  write({ page: 'dist/demo/index.html', element: 'dist/element/ghl-attachments.js', server: '.build/demo/start.js' }[name]!);
};

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'build-demo-'));
  for (const path of ['index.html', 'public/frame.html', 'src/react/widget.tsx', 'src/server/route.ts', 'src/shared/limits.ts', 'src/demo/start.ts', 'vite.config.ts', 'tsconfig.json', 'tsconfig.server.json', 'package.json']) write(path);
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('what npm start builds before it serves', () => {
  it('builds every part on a fresh clone, then nothing until an input changes', async () => {
    expect(stale()).toEqual(['page', 'element', 'server']);
    await buildParts(staleParts(root), root, fakeBuild);
    expect(stale()).toEqual([]);
  });

  it('builds only the parts an edited file goes into', async () => {
    await buildParts(staleParts(root), root, fakeBuild);
    touch('src/server/route.ts');
    expect(stale()).toEqual(['server']);
    await buildParts(staleParts(root), root, fakeBuild);
    touch('src/react/widget.tsx');
    expect(stale()).toEqual(['page', 'element']);
    await buildParts(staleParts(root), root, fakeBuild);
    touch('public/frame.html');
    expect(stale()).toEqual(['page']);
    await buildParts(staleParts(root), root, fakeBuild);
    // Shared code is in both the browser's bundles and the server.
    write('src/shared/limits.ts', 'changed');
    expect(stale()).toEqual(['page', 'element', 'server']);
  });

  it('takes a test file for no input, and a new source file or a change of settings for one', async () => {
    await buildParts(staleParts(root), root, fakeBuild);
    write('src/server/route.test.ts');
    expect(stale()).toEqual([]);
    write('src/server/new-part.ts');
    expect(stale()).toEqual(['server']);
    await buildParts(staleParts(root), root, fakeBuild);
    touch('tsconfig.json');
    expect(stale()).toEqual(['page', 'element', 'server']);
  });

  it('builds a part again whose output is gone, or whose build failed half-way', async () => {
    await buildParts(staleParts(root), root, fakeBuild);
    rmSync(join(root, 'dist/element'), { recursive: true });
    expect(stale()).toEqual(['element']);
    touch('src/server/route.ts');
    await expect(buildParts(staleParts(root), root, async (name) => (name === 'element' ? fakeBuild(name) : Promise.reject(new Error('tsc failed'))))).rejects.toThrow('tsc failed');
    expect(stale()).toEqual(['server']);
  });
});

describe('what the first npm start prints', () => {
  // The real builds of the page and the element, as npm start runs them (a process of their own,
  // outside the tests' environment) but into a folder of their own: a newcomer's first lines are
  // the URLs, so the bundler has nothing to say.
  it('builds the demo page and the element without a warning', () => {
    const out = mkdtempSync(join(tmpdir(), 'build-demo-real-'));
    const script = `
      const { build } = await import('vite');
      await build({ root: ${JSON.stringify(REPO)}, logLevel: 'warn', build: { outDir: ${JSON.stringify(join(out, 'page'))}, emptyOutDir: true } });
      await build({ root: ${JSON.stringify(REPO)}, mode: 'standalone', logLevel: 'warn', build: { outDir: ${JSON.stringify(join(out, 'element'))}, emptyOutDir: true } });`;
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => name !== 'NODE_ENV' && !name.startsWith('VITEST')));
    try {
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO, env, encoding: 'utf8', timeout: 110_000 });
      expect(run.status, run.stderr).toBe(0);
      expect(`${run.stdout}${run.stderr}`).toBe('');
      expect(statSync(join(out, 'page', 'index.html')).size).toBeGreaterThan(0);
      expect(statSync(join(out, 'element', 'ghl-attachments.js')).size).toBeGreaterThan(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
