/**
 * The tests mutation testing runs (stryker.config.mjs): Vitest's, less the ones that measure the
 * machine rather than the code — memory, 10,000 requests, fleets on Redis (BFF processes of their
 * own, where no mutant is active), a 2,000-upload soak — and a flood of 260 strangers'
 * connections, for its time (instrumented code is slower and larger; all stay in `npm test`);
 * and only the projects that exercise the folder (MUTATION_PROJECTS, set by scripts/mutation.mjs).
 */
import type { UserConfig } from 'vite';
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vite.config.js';

const SLOW = [
  'src/server/fuzz.test.ts',
  'src/server/fleet.test.ts',
  'src/server/send-message-fleet.test.ts',
  'src/server/soak.test.ts',
  'src/server/resource-bounds.test.ts',
  // Left out for its time alone (25 s of sockets held open on timers, rerun for nearly every
  // mutant of the request path): it runs in process, so what only it kills shows as survivors.
  'src/server/stranger-flood.test.ts',
];

const wanted = (process.env.MUTATION_PROJECTS ?? 'node').split(',');

export default defineConfig((env) => {
  const config = (base as (env: unknown) => UserConfig)(env);
  const projects = (config.test?.projects ?? []).filter((entry) => wanted.includes((entry as { test?: { name?: string } }).test?.name ?? ''));
  return mergeConfig({ ...config, test: { ...config.test, projects } }, { test: { exclude: ['**/node_modules/**', ...SLOW] } });
});
