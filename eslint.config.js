// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * What each layer may import: shared ← client ← react ← embed; server and the mock → shared only.
 * The rule keeps the browser code free of Node and the server free of React and axios, so each
 * entry point bundles only its own layer.
 */
const layer = (folder, forbidden) => ({
  files: [`src/${folder}/**/*.{ts,tsx}`],
  ignores: ['**/*.test.{ts,tsx}', 'src/react/global-setup.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: forbidden.map((name) => ({
          group: [`**/${name}/*`, `**/${name}`],
          message: `src/${folder} may not import src/${name}: the layers go shared ← client ← react ← embed, and server → shared only.`,
        })),
      },
    ],
  },
});

export default tseslint.config(
  { ignores: ['dist', '.build', 'storybook-static', 'node_modules', 'test-results', 'playwright-report', 'public/mockServiceWorker.js', '.reports', '.stryker-tmp', 'reports'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.{ts,tsx,js,mjs}'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'smart'],
    },
  },
  layer('shared', ['client', 'react', 'embed', 'server', 'mock-highlevel', 'demo']),
  layer('client', ['react', 'embed', 'server', 'mock-highlevel', 'demo']),
  layer('react', ['embed', 'server', 'mock-highlevel', 'demo', 'testing']),
  layer('server', ['client', 'react', 'embed', 'mock-highlevel', 'demo', 'testing']),
  layer('mock-highlevel', ['client', 'react', 'embed', 'server', 'demo', 'testing']),
);
