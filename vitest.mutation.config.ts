/**
 * The tests mutation testing runs (stryker.config.mjs): Vitest's, less the ones that measure the
 * machine rather than the code — memory, 10,000 requests, a fleet on Redis, a 2,000-upload soak
 * (instrumented code is slower and larger; those stay in `npm test`) — and only the projects
 * that exercise the folder (MUTATION_PROJECTS, set by scripts/mutation.mjs).
 */
import type { UserConfig } from 'vite';
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vite.config.js';

const SLOW = ['src/server/fuzz.test.ts', 'src/server/fleet.test.ts', 'src/server/soak.test.ts', 'src/server/resource-bounds.test.ts'];

const wanted = (process.env.MUTATION_PROJECTS ?? 'node').split(',');

export default defineConfig((env) => {
  const config = (base as (env: unknown) => UserConfig)(env);
  const projects = (config.test?.projects ?? []).filter((entry) => wanted.includes((entry as { test?: { name?: string } }).test?.name ?? ''));
  return mergeConfig({ ...config, test: { ...config.test, projects } }, { test: { exclude: ['**/node_modules/**', ...SLOW] } });
});
