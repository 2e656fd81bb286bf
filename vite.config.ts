/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The demo page (index.html) is the app; the library build has its own entry points (issue 6).
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist/demo',
    emptyOutDir: true,
  },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['src/{shared,server,mock-highlevel,client,demo}/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'dom',
          environment: 'happy-dom',
          include: ['src/{react,embed}/**/*.test.{ts,tsx}'],
          setupFiles: ['src/react/test-setup.ts'],
          globalSetup: ['src/react/global-setup.ts'],
        },
      },
    ],
  },
});
