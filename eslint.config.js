// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** What each layer may import (STYLE.md): shared ← client ← react ← embed; server → shared only. */
const layer = (folder, forbidden) => ({
  files: [`src/${folder}/**/*.{ts,tsx}`],
  ignores: ['**/*.test.{ts,tsx}', 'src/react/global-setup.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      {
        patterns: forbidden.map((name) => ({
          group: [`**/${name}/*`, `**/${name}`],
          message: `src/${folder} may not import src/${name} (see STYLE.md).`,
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
