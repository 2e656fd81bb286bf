import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { AXE_TAGS } from './axe-tags.js';
import { dropFiles, fixtureFile, throttleUploads } from './helpers.js';

/** Runs axe on the widget and keeps a screenshot of the state as a test artifact. */
async function audit(page: Page, state: string) {
  await page.screenshot({ path: test.info().outputPath(`${state}.png`), fullPage: true });
  const results = await new AxeBuilder({ page }).include('.ghl-att').withTags(AXE_TAGS).analyze();
  expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target).join(', ')}`), state).toEqual([]);
}

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByText('Drop files here to attach them')).toBeVisible();
});

test('idle, drag-over, refused, uploading, failed and done states have no axe violations', async ({ page }) => {
  test.setTimeout(90_000);
  await audit(page, 'idle');

  // Dragging a file the widget will refuse: the drag-over state says so.
  const dragged = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['MZ'], 'tool.exe', { type: 'application/x-msdownload' }));
    return transfer;
  });
  await page.dispatchEvent('.ghl-att-dropzone', 'dragenter', { dataTransfer: dragged });
  await expect(page.getByText('Some of these files can’t be attached')).toBeVisible();
  await audit(page, 'drag-over-refused');
  await page.dispatchEvent('.ghl-att-dropzone', 'dragleave', { dataTransfer: dragged });

  await dropFiles(page, '.ghl-att-dropzone', [{ name: 'tool.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') }]);
  await expect(page.getByRole('list', { name: 'Not attached' }).getByText(/This type of file is not allowed/)).toBeVisible();
  await audit(page, 'refused');

  // Slow enough that the upload is still running after the audit, whatever the machine's load.
  await throttleUploads(page, 20_000);
  const big = fixtureFile('sample.png');
  await dropFiles(page, '.ghl-att-dropzone', [{ ...big, name: 'slow.png', buffer: Buffer.concat([big.buffer, Buffer.alloc(1_500_000, 1)]) }]);
  await expect(page.getByRole('progressbar', { name: 'Upload of slow.png' })).toBeVisible();
  await audit(page, 'uploading');
  await page.getByRole('button', { name: 'Cancel slow.png' }).click();
  await expect(page.locator('.ghl-att-items').getByText('Cancelled')).toBeVisible();
  await throttleUploads(page, -1);

  await page.getByLabel('Conversation id').fill('');
  await page.getByLabel('Conversation id').fill('x y');
  await dropFiles(page, '.ghl-att-dropzone', [fixtureFile('sample.jpg')]);
  await expect(page.locator('.ghl-att-items').getByText('The conversation id is not valid (letters, digits, - and _ only).')).toBeVisible();
  await audit(page, 'error');

  await page.getByLabel('Conversation id').fill('demo-conversation');
  await page.getByRole('button', { name: 'Retry all failed' }).click();
  await expect(page.getByRole('img', { name: 'sample.jpg' })).toBeVisible();
  await dropFiles(page, '.ghl-att-dropzone', [fixtureFile('sample.mp4'), fixtureFile('sample.mp3'), fixtureFile('sample.pdf')]);
  await expect(page.locator('.ghl-att-item[data-status="done"]')).toHaveCount(4);
  await audit(page, 'done');
});

test('the picker control is a real button for assistive technology: its role, name, description and state', async ({ page }) => {
  const choose = page.getByRole('button', { name: 'Choose files to attach' });
  await expect(choose).toBeVisible();
  await expect(choose).toHaveAccessibleDescription(/^Drop files here to attach them JPG, JPEG, PNG.* up to 5 MB each$/);
  await expect(choose).not.toHaveAttribute('aria-disabled');
  // The zone around it is no second, nameless tab stop.
  await expect(page.locator('.ghl-att-dropzone')).not.toHaveAttribute('tabindex');
  // While no conversation is set, the control says it is disabled, and opens nothing.
  await page.getByLabel('Conversation id').fill('');
  await expect(choose).toHaveAttribute('aria-disabled', 'true');
  let opened = false;
  page.once('filechooser', () => (opened = true));
  // (Forced: Playwright itself will not click what says it is disabled; a user's click still lands.)
  await choose.click({ force: true });
  await page.waitForTimeout(300);
  expect(opened).toBe(false);
  await audit(page, 'no-conversation');
});

test('the whole path works from the keyboard alone', async ({ page }) => {
  // Tab to the picker control: Enter opens the file picker.
  await page.getByLabel('Conversation id').focus();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Choose files to attach' })).toBeFocused();
  const chooser = page.waitForEvent('filechooser');
  await page.keyboard.press('Enter');
  await (await chooser).setFiles([fixtureFile('sample.png')]);
  await expect(page.getByRole('img', { name: 'sample.png' })).toBeVisible();
  // Every action of the file is reachable by Tab and works with Enter.
  const remove = page.getByRole('button', { name: 'Remove sample.png' });
  for (let i = 0; i < 8 && !(await remove.evaluate((button) => button === document.activeElement)); i += 1) {
    await page.keyboard.press('Tab');
  }
  await expect(remove).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('.ghl-att-items').getByText('sample.png')).toHaveCount(0);
  await expect(page.getByRole('status')).toHaveText('sample.png uploaded.');
});
