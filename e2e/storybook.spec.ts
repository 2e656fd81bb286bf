import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { storybookPort } from '../playwright.config.js';
import { ERROR_STATUS } from '../src/shared/error-codes.js';
import { AXE_TAGS } from './axe-tags.js';

const storybook = `http://127.0.0.1:${storybookPort}`;
const DESKTOP = { width: 1280, height: 720 };

// MSW calls `registration.update()` on its own worker without awaiting it (msw issue #2006), and
// Chromium now and then rejects that update ("Not found") while the registration from the
// previous story is still being stored. The old worker keeps serving, so the story is unharmed;
// the rejection is MSW's, not ours. Every other page error fails the test.
const isMswWorkerUpdateNoise = (message: string) =>
  message.startsWith('Failed to update a ServiceWorker') && message.includes('/mockServiceWorker.js');

// Stories are tests: each one renders, its play function passes (preview.ts marks the page when
// it has), nothing throws, and axe finds nothing, all in Chromium.
test('every story renders, passes its play function, and has no accessibility violations', async ({ page, request }) => {
  test.setTimeout(480_000);
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
      .waitForSelector('body[data-story-passed="true"], body[data-story-error]', { timeout: 60_000 })
      .then(async () => (await page.locator('body').getAttribute('data-story-passed')) === 'true', () => false);
    if (!passed) {
      const reason = (await page.locator('body').getAttribute('data-story-error')) ?? (await page.locator('#error-message').textContent().catch(() => ''));
      failures.push(`${id}: play function did not pass (${reason || 'no error recorded: it did not finish in 60 s'})`);
      continue;
    }
    if (errors.length > 0) failures.push(`${id}: page errors: ${errors.join('; ')}`);
    const axe = await new AxeBuilder({ page }).include('#storybook-root').withTags(AXE_TAGS).analyze();
    for (const violation of axe.violations) failures.push(`${id}: axe ${violation.id} at ${violation.nodes.map((node) => node.target).join(', ')}`);
    // A CRM sidebar is narrow: no state of any row may push the page sideways.
    for (const width of [320, 360]) {
      await page.setViewportSize({ width, height: 800 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      if (overflow > 0) failures.push(`${id}: ${overflow} px of horizontal scroll at ${width} px`);
      await page.screenshot({ path: test.info().outputPath(`${id}-${width}.png`), fullPage: true });
    }
    await page.setViewportSize(DESKTOP);
  }
  expect(failures).toEqual([]);
});

// The docs pages: the usage page (the README's and docs/'s own text, and the error-code table
// built from the shared table) and the props table read from the component's types and JSDoc.
test('the usage page and the props table are complete, and have no accessibility violations', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (error) => {
    if (!isMswWorkerUpdateNoise(error.message)) errors.push(error.message);
  });

  await page.goto(`${storybook}/iframe.html?id=usage--docs&viewMode=docs`);
  const docs = page.locator('#storybook-docs');
  for (const heading of ['1. In a React app (npm package)', '2. On a CRM page that is not React (script tag)', 'The BFF route on your server']) {
    await expect(docs.getByRole('heading', { name: heading })).toBeVisible();
  }
  await expect(docs.getByText("import { AttachmentUploader, summarizeItems, useSendMessage, type UploadedFile } from 'ghl-attachments';")).toBeVisible();
  await expect(docs.getByText(/createUploadHandler\(\{/).first()).toBeVisible();
  const rows = page.getByTestId('error-codes').locator('tbody tr');
  await expect(rows).toHaveCount(Object.keys(ERROR_STATUS).length);
  for (const [code, status] of Object.entries(ERROR_STATUS)) {
    const row = rows.filter({ has: page.locator('code', { hasText: new RegExp(`^${code}$`) }) });
    await expect(row.locator('td').nth(1)).toHaveText(status === 0 ? 'browser only' : String(status));
    await expect(row.locator('td').nth(2)).not.toContainText('{'); // placeholders filled in
  }
  await expect(rows.filter({ hasText: 'rate-limited' }).locator('td').nth(3)).toHaveText('after the countdown');
  expect((await new AxeBuilder({ page }).include('#storybook-docs').analyze()).violations).toEqual([]);

  await page.goto(`${storybook}/iframe.html?id=attachmentuploader--docs&viewMode=docs`);
  const props = page.locator('table.docblock-argstable');
  await expect(props).toBeVisible();
  // A prop's row, found by its name cell (`*` marks a required one).
  const describe = async (prop: string) =>
    (await props.locator('tbody tr').filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${prop}\\*?$`) }) }).innerText()).replace(/\s+/g, ' ');
  expect(await describe('conversationId')).toContain('The HighLevel conversation files are attached to.');
  expect(await describe('maxFileSize')).toContain('a file of exactly this size passes. Default: 5,242,880');
  expect(await describe('theme')).toContain("union 'light'"); // the type, then the default from the code
  expect(await describe('allowedTypes')).toContain("readonly (FileTypeId | FileTypeSpec)[], e.g. ['PDF', 'PNG']");
  expect(await describe('value')).toContain('readonly UploadedFile[]');
  expect(await describe('onChange')).toContain('(files: UploadedFile[]) => void');
  expect((await new AxeBuilder({ page }).include('#storybook-docs').analyze()).violations).toEqual([]);
  expect(errors).toEqual([]);
});
