import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { storybookPort } from '../playwright.config.js';

const storybook = `http://127.0.0.1:${storybookPort}`;

// MSW calls `registration.update()` on its own worker without awaiting it (msw issue #2006), and
// Chromium now and then rejects that update ("Not found") while the registration from the
// previous story is still being stored. The old worker keeps serving, so the story is unharmed;
// the rejection is MSW's, not ours. Every other page error fails the test.
const isMswWorkerUpdateNoise = (message: string) =>
  message.startsWith('Failed to update a ServiceWorker') && message.includes('/mockServiceWorker.js');

// Stories are tests: each one renders, its play function passes (preview.ts marks the page when
// it has), nothing throws, and axe finds nothing, all in Chromium.
test('every story renders, passes its play function, and has no accessibility violations', async ({ page, request }) => {
  test.setTimeout(240_000);
  const index = (await (await request.get(`${storybook}/index.json`)).json()) as { entries: Record<string, { id: string; type: string }> };
  const stories = Object.values(index.entries).filter((entry) => entry.type === 'story');
  expect(stories.length).toBeGreaterThanOrEqual(20);
  const failures: string[] = [];
  for (const { id } of stories) {
    const errors: string[] = [];
    page.removeAllListeners('pageerror');
    page.on('pageerror', (error) => {
      if (!isMswWorkerUpdateNoise(error.message)) errors.push(error.message);
    });
    await page.goto(`${storybook}/iframe.html?id=${id}&viewMode=story`);
    const passed = await page
      .waitForSelector('body[data-story-passed="true"]', { timeout: 20_000 })
      .then(() => true, () => false);
    if (!passed) {
      failures.push(`${id}: play function did not pass (${await page.locator('#error-message, .sb-errordisplay').first().textContent().catch(() => '')})`);
      continue;
    }
    if (errors.length > 0) failures.push(`${id}: page errors: ${errors.join('; ')}`);
    const axe = await new AxeBuilder({ page }).include('#storybook-root').analyze();
    for (const violation of axe.violations) failures.push(`${id}: axe ${violation.id} at ${violation.nodes.map((node) => node.target).join(', ')}`);
  }
  expect(failures).toEqual([]);
});
