// Sizes as the README's reference points were measured: minified, gzip -9, React external.
// Each figure is a fresh minified bundle of what an app imports (the widget and its hook), so it
// says what a user's bundle grows by; exports an app does not use are shaken out, as in the app.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { transform } from 'lightningcss';
import { build } from 'vite';

const REACT = ['react', 'react-dom', 'react-dom/client', 'react/jsx-runtime'];
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const kb = (bytes) => (bytes / 1000).toFixed(1);

/** Minified, gzipped size of `entry` bundled with everything but `external`. */
async function bundledSize(entry, external) {
  const outDir = mkdtempSync(join(tmpdir(), 'ghl-size-'));
  try {
    await build({
      configFile: false,
      logLevel: 'silent',
      plugins: [react()],
      define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      build: {
        outDir,
        emptyOutDir: true,
        copyPublicDir: false,
        minify: true,
        target: 'es2020',
        lib: { entry, formats: ['es'], fileName: () => 'bundle.js' },
        rollupOptions: { external },
      },
    });
    return readdirSync(outDir)
      .filter((file) => file.endsWith('.js'))
      .reduce((sum, file) => sum + gz(readFileSync(join(outDir, file))), 0);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

/**
 * The three figures with their limits. `budget` fails the build. `target` is the issue's goal
 * where it differs: the full widget's 40 kB cannot hold while the design card's axios is in it
 * (axios 1.21's browser build alone is 24.1 kB, the three libraries as we import them 39.3 kB),
 * so it is reported, and the build fails only past a ceiling (ours) that catches growth.
 */
export async function measureSizes() {
  // Minified, as an app's bundler ships it (and as the reference sizes were measured).
  const css = gz(transform({ filename: 'styles.css', code: readFileSync('src/react/styles.css'), minify: true }).code);
  const full = await bundledSize('scripts/size-widget.ts', (id) => REACT.includes(id));
  const own = await bundledSize('scripts/size-widget.ts', (id) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0'));
  const libraries = await bundledSize('scripts/size-dependencies.ts', (id) => REACT.includes(id));
  const element = gz(readFileSync('dist/ghl-attachments.js'));
  return [
    { name: 'full widget with its dependencies (JS + CSS, React external)', bytes: full + css, budget: 50_000, target: 40_000 },
    { name: '  of which react-dropzone + axios + TanStack Query, as imported', bytes: libraries },
    { name: 'own code, dependencies external (JS + CSS)', bytes: own + css, budget: 10_000 },
    { name: 'custom-element script, React inside', bytes: element, budget: 115_000 },
  ];
}

/** Prints the sizes; false when one is over its budget. */
export async function checkBudgets() {
  let ok = true;
  for (const { name, bytes, budget, target } of await measureSizes()) {
    const over = budget !== undefined && bytes > budget;
    ok &&= !over;
    const limits = [
      target !== undefined ? `target ${kb(target)} kB${bytes > target ? ': missed' : ': met'}` : '',
      budget !== undefined ? `build fails past ${kb(budget)} kB${over ? ': FAILED' : ''}` : '',
    ].filter(Boolean);
    console.log(`  ${name}: ${kb(bytes)} kB gzip${limits.length ? ` (${limits.join('; ')})` : ''}`);
  }
  return ok;
}
