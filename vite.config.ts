import react from '@vitejs/plugin-react';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig, type UserConfig } from 'vite';
import { configDefaults } from 'vitest/config';
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium.mjs';
import { browserCommands } from './src/testing/browser-commands.js';

/** Everything imported by a bare name (packages, node: built-ins) stays out of the library. */
const isPackage = (id: string) => !id.startsWith('.') && !id.startsWith('/') && !id.startsWith('\0') && !/^[a-z]:[\\/]/i.test(id);

/**
 * Drops one expected notice of every build. The framework-free uploader loads TanStack Query's
 * runtime (src/client/query-runtime.ts) on first use; the React widget and the element need its
 * shared client synchronously, on their first render, so in their bundles that runtime is in the
 * main chunk and the bundler says the lazy import splits nothing. That is by design; any other
 * module's notice still shows.
 */
const onLog: NonNullable<NonNullable<NonNullable<UserConfig['build']>['rollupOptions']>['onLog']> = (level, log, handler) => {
  if (log.code === 'INEFFECTIVE_DYNAMIC_IMPORT' && /[\\/]src[\\/]client[\\/]query-runtime\.ts$/.test(log.id ?? '')) return;
  handler(level, log);
};

/** `vite build --mode lib`: the npm package's ES modules, one per entry point. */
const library: UserConfig = {
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    copyPublicDir: false,
    target: 'es2022',
    minify: false,
    sourcemap: true,
    lib: {
      entry: {
        index: 'src/index.ts',
        server: 'src/server/index.ts',
        mock: 'src/mock-highlevel/index.ts',
        client: 'src/client/index.ts',
        embed: 'src/embed/index.ts',
      },
      formats: ['es'],
    },
    rollupOptions: {
      onLog,
      external: isPackage,
      output: {
        chunkFileNames: 'chunks/[name]-[hash].js',
        // The widget and the element run in the browser: a Next.js Server Component that imports
        // them must see the client boundary in the file it loads.
        banner: (chunk) => (chunk.isEntry && (chunk.name === 'index' || chunk.name === 'embed') ? "'use client';" : ''),
      },
    },
  },
};

/** `vite build --mode standalone`: one classic script with React inside, for any page. */
const standalone: UserConfig = {
  plugins: [react()],
  define: { 'process.env.NODE_ENV': JSON.stringify('production') },
  build: {
    outDir: 'dist',
    emptyOutDir: false,
    copyPublicDir: false,
    target: 'es2020',
    lib: { entry: 'src/embed/standalone.ts', formats: ['iife'], name: 'GhlAttachments', fileName: () => 'ghl-attachments.js' },
    rollupOptions: { onLog },
  },
};

/**
 * Default: the demo page (index.html, plus public/ with the CRM page), and the tests. The demo
 * runs on React's profiling build, production speed with <Profiler> reporting, so that
 * `npm run bench` can count the widget's commits as users would see them.
 */
const demo: UserConfig = {
  plugins: [react()],
  resolve: process.env.VITEST ? {} : { alias: [{ find: /^react-dom\/client$/, replacement: 'react-dom/profiling' }] },
  build: { outDir: 'dist/demo', emptyOutDir: true, rollupOptions: { onLog } },
  test: {
    // These tests talk to real servers on a shared machine: room for a slow moment, not a hang.
    testTimeout: 20_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['src/{shared,server,mock-highlevel,client,demo}/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: [...configDefaults.exclude, '**/*.browser.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          // What only a real browser has (image decoding, OffscreenCanvas, Web Workers, content
          // security policies): Chromium, found or installed as for the e2e tests.
          name: 'browser',
          include: ['src/**/*.browser.test.ts'],
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({ launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS } }),
            instances: [{ browser: 'chromium' }],
            commands: browserCommands,
          },
        },
      },
      {
        extends: true,
        test: {
          name: 'dom',
          environment: 'happy-dom',
          // The element inlines styles.css into its shadow root: the test should see it.
          css: true,
          include: ['src/{react,embed}/**/*.test.{ts,tsx}'],
          exclude: [...configDefaults.exclude, '**/*.browser.test.ts'],
          setupFiles: ['src/react/test-setup.ts'],
          globalSetup: ['src/react/global-setup.ts'],
        },
      },
    ],
  },
};

export default defineConfig(({ mode }) => (mode === 'lib' ? library : mode === 'standalone' ? standalone : demo));
