import { defineConfig, devices } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium.mjs';

const port = Number(process.env.E2E_PORT ?? 4173);
const baseURL = `http://127.0.0.1:${port}`;
/**
 * e2e/cross-origin.spec.ts serves a CRM page from two more loopback origins: this one, which
 * the demo's BFF allows (GHL_ALLOWED_ORIGINS below)…
 */
export const allowedCrmPort = Number(process.env.E2E_CRM_PORT ?? 4174);
/** …and this one, which it does not. */
export const refusedCrmPort = Number(process.env.E2E_REFUSED_CRM_PORT ?? 4175);
/** Where e2e/storybook.spec.ts finds the built Storybook. */
export const storybookPort = Number(process.env.STORYBOOK_PORT ?? 6007);

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  forbidOnly: Boolean(process.env.CI),
  workers: 2,
  reporter: [['list'], ['json', { outputFile: '.reports/e2e.json' }]],
  use: {
    baseURL,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: { executablePath: findChromium(), args: CHROMIUM_ARGS },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  webServer: [
    {
      // The demo as a user starts it, on the mock: an empty GHL_TOKEN keeps a real one out.
      command: 'npm start',
      url: baseURL,
      env: { PORT: String(port), GHL_TOKEN: '', GHL_ALLOWED_ORIGINS: `http://127.0.0.1:${allowedCrmPort}` },
      reuseExistingServer: !process.env.CI,
      timeout: 120_000,
      stdout: 'pipe',
    },
    {
      // Storybook as `npm run build-storybook` makes it, for e2e/storybook.spec.ts.
      command: `npm run --silent build-storybook -- --quiet && node scripts/serve-dir.mjs storybook-static ${storybookPort}`,
      url: `http://127.0.0.1:${storybookPort}/index.json`,
      reuseExistingServer: !process.env.CI,
      timeout: 240_000,
      stdout: 'pipe',
    },
  ],
});
