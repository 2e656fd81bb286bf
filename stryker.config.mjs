// Mutation testing (`npm run test:mutation -- <folder>`): Stryker changes the code one small bug
// at a time and runs the tests that cover it; a mutant no test notices is a test that is missing.
// One folder per run (scripts/mutation.mjs names it in MUTATION_FOLDER), incremental, so a second
// run only tries what changed. Not part of `npm test`: it takes minutes per folder on two cores.

/** The server's modules that read and bound what a client sends. */
const REQUESTS = ['admission', 'bound-unread-body', 'budget', 'check-request', 'client-address', 'content-type', 'cors', 'frame-policy', 'node-adapter', 'per-key-limits', 'read-json-body', 'read-multipart', 'request-body'];
/** The server's modules that talk to HighLevel (uploads, sends, previews) and the policy answer. */
const HIGHLEVEL = ['forward-upload', 'post-stream', 'highlevel-form', 'highlevel-json', 'map-highlevel-error', 'send-message', 'idempotency', 'prepare-file', 'sniff-content', 'proxy-preview', 'preview-link', 'policy-route'];
const server = (names) => names.map((name) => `src/server/${name}.ts`);

/** What each folder mutates, and the score below which the run fails. */
export const FOLDERS = {
  shared: { mutate: ['src/shared/**/*.ts'], break: 85, projects: ['node'] },
  // Static mutants (module-level values: defaults, tables) cannot be traced to the tests that
  // cover them, so each reruns the whole server suite, a large share of a run's time for
  // few mutants. The server's run leaves them out (Stryker's `ignoreStatic`); the defaults
  // they would change are asserted by the options tests, and CONTRIBUTING.md says so.
  server: { mutate: ['src/server/**/*.ts'], break: 90, projects: ['node'], ignoreStatic: true },
  // The server in four parts, each a run of its own (the whole takes over two hours here: its
  // in-process attack suites hold sockets open on real timers for each mutant they cover).
  // Together they are the server folder; CONTRIBUTING.md gives each part's score and date.
  'server-auth': { mutate: ['src/server/auth/**/*.ts', 'src/server/store/**/*.ts'], break: 90, projects: ['node'], ignoreStatic: true },
  'server-requests': { mutate: server(REQUESTS), break: 90, projects: ['node'], ignoreStatic: true },
  'server-highlevel': { mutate: server(HIGHLEVEL), break: 90, projects: ['node'], ignoreStatic: true },
  'server-route': {
    mutate: ['src/server/*.ts', ...[...REQUESTS, ...HIGHLEVEL].map((name) => `!src/server/${name}.ts`)],
    break: 90,
    projects: ['node'],
    ignoreStatic: true,
  },
  // fit-image.ts is left out: its functions run in a Worker built from their own source text,
  // where Stryker's instrumentation (calls to its own globals) cannot run.
  // The upload core (queue, store, policy, stall watch) and the upload client, by their own tests
  // in Node: the widget's component tests (happy-dom) load React for each mutant, several times
  // slower, and would test the layer above. The photo shrinker runs only in a browser: it has a
  // folder of its own, tried by the tests in Chromium (Vitest's browser mode, about 25 s a mutant
  // here); the core's photo path is tested in Node with the shrinker replaced.
  client: { mutate: ['src/client/**/*.ts', '!src/client/fit-image.ts', '!src/client/shrink-image.ts'], break: 85, projects: ['node'] },
  shrink: { mutate: ['src/client/shrink-image.ts'], break: 85, projects: ['browser'] },
  // The framework-free helpers of the widget: URLs and messages (the upload core is src/client).
  react: { mutate: ['src/react/safe-url.ts', 'src/react/messages.ts'], break: 85, projects: ['dom'] },
};

const folder = process.env.MUTATION_FOLDER ?? 'shared';
const chosen = FOLDERS[folder];
// Files named after the folder narrow the run to them (a quick look at one file's mutants).
const only = (process.env.MUTATION_FILES ?? '').split(',').filter(Boolean);

export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutation.config.ts', related: true },
  coverageAnalysis: 'perTest',
  mutate: only.length > 0 ? only : [...chosen.mutate, '!src/**/*.test.ts', '!src/**/*.test.tsx', '!src/**/index.ts'],
  ignoreStatic: chosen.ignoreStatic ?? false,
  incremental: true,
  incrementalFile: `reports/mutation/${folder}-incremental.json`,
  reporters: ['clear-text', 'progress', 'json'],
  jsonReporter: { fileName: `reports/mutation/${folder}.json` },
  thresholds: { high: 95, low: chosen.break, break: chosen.break },
  concurrency: 2,
  timeoutMS: 20_000,
  // A sandbox per folder, and none copied into another's: two folders can run side by side.
  tempDirName: `.stryker-tmp/${folder}`,
  ignorePatterns: ['.stryker-tmp*'],
  cleanTempDir: 'always',
};
