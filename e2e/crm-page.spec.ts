import { expect, test } from '@playwright/test';
import { fixtureFile } from './helpers.js';

test.beforeEach(async ({ page }) => {
  await page.goto('/crm-page.html');
});

test('the custom element uploads on a plain page and reports URLs as ghl-upload-success events', async ({ page }) => {
  const element = page.locator('ghl-attachments').first();
  // The widget renders inside the element's shadow root; Playwright's locators pierce it.
  await expect(element.getByText('Drop files here to attach them')).toBeVisible();
  await element.locator('input[type=file]').setInputFiles([fixtureFile('sample.png'), fixtureFile('sample.mp3')]);
  const image = element.getByRole('img', { name: 'sample.png' });
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(48);
  await expect(page.locator('#element-urls li')).toHaveCount(2);
  // The mock plays HighLevel's secure attachments: /files/d/{slug}, no extension; each URL
  // serves its own file's bytes.
  const urls = await page.locator('#element-urls li').allTextContents();
  const served = await Promise.all(urls.map(async (url) => Buffer.from(await (await page.request.get(url)).body())));
  expect(served.some((bytes) => bytes.equals(fixtureFile('sample.png').buffer))).toBe(true);
  expect(served.some((bytes) => bytes.equals(fixtureFile('sample.mp3').buffer))).toBe(true);
  // Its styles stay inside: the page's own headings keep the page's font.
  const pageFont = await page.locator('h1').first().evaluate((h) => getComputedStyle(h).fontFamily);
  expect(pageFont).toContain('Georgia');
});

test('the custom element follows its attributes: allowed-types, max-file-size, locale, theme', async ({ page }) => {
  await page.evaluate(() => {
    const element = document.querySelector('ghl-attachments')!;
    element.setAttribute('allowed-types', 'PDF, .png');
    element.setAttribute('max-file-size', '1000');
    element.setAttribute('locale', 'fr');
    element.setAttribute('theme', 'dark');
  });
  const element = page.locator('ghl-attachments').first();
  // French sizes: a narrow space groups thousands, and the byte is an octet.
  await expect(element.getByText(/^PNG, PDF · jusqu’à 1\s000\so chacun$/)).toBeVisible();
  await expect(element.locator('.ghl-att')).toHaveAttribute('data-theme', 'dark');
  // Dark for real: the computed colours, not just the attribute.
  expect(await element.locator('.ghl-att').evaluate((root) => getComputedStyle(root).backgroundColor)).toBe('rgb(17, 24, 39)');
  expect(await element.locator('.ghl-att').evaluate((root) => getComputedStyle(root).color)).toBe('rgb(229, 231, 235)');
  // The page themes the element from outside: custom properties cross the shadow boundary.
  await page.evaluate(() => document.querySelector<HTMLElement>('ghl-attachments')!.style.setProperty('--ghl-att-font', 'Georgia, serif'));
  expect(await element.locator('.ghl-att').evaluate((root) => getComputedStyle(root).fontFamily)).toContain('Georgia');
  // And its size: secondary text keeps its proportion (6/7 of the main size).
  await page.evaluate(() => document.querySelector<HTMLElement>('ghl-attachments')!.style.setProperty('--ghl-att-font-size', '21px'));
  expect(await element.locator('.ghl-att').evaluate((root) => getComputedStyle(root).fontSize)).toBe('21px');
  expect(await element.locator('.ghl-att-limits').evaluate((limits) => getComputedStyle(limits).fontSize)).toBe('18px');
  await element.locator('input[type=file]').setInputFiles([fixtureFile('sample.mp3'), fixtureFile('sample.jpg')]);
  const refused = element.getByRole('list', { name: 'Non joints' });
  await expect(refused.getByText(/Ce type de fichier n’est pas accepté/)).toHaveCount(2);
});

test('the iframe page uploads and reports to its parent with postMessage', async ({ page }) => {
  const frame = page.frameLocator('iframe[title="Attach files to the conversation"]');
  await frame.locator('ghl-attachments input[type=file]').setInputFiles([fixtureFile('sample.pdf')]);
  await expect(frame.getByRole('link', { name: 'Open' })).toBeVisible();
  await expect(page.locator('#frame-urls li')).toHaveCount(1);
  await expect(page.locator('#frame-urls li')).toHaveText(/\/highlevel\/files\/d\/[0-9a-f]+$/);
  const url = (await page.locator('#frame-urls li').textContent())!;
  expect(Buffer.from(await (await page.request.get(url)).body()).equals(fixtureFile('sample.pdf').buffer)).toBe(true);
});

test('the iframe posts to its configured parent origin only', async ({ page, baseURL }) => {
  // A frame configured for another parent: the browser must not deliver its messages here.
  await page.route('**/frame.html*', async (route) => {
    const response = await route.fetch();
    const body = (await response.text()).replace('name="ghl-parent-origin" content=""', 'name="ghl-parent-origin" content="https://crm.example"');
    await route.fulfill({ response, body });
  });
  await page.goto('/crm-page.html');
  const frame = page.frameLocator('iframe[title="Attach files to the conversation"]');
  await frame.locator('ghl-attachments input[type=file]').setInputFiles([fixtureFile('sample.txt')]);
  await expect(frame.getByRole('link', { name: 'Open' })).toBeVisible();
  await page.waitForTimeout(300);
  await expect(page.locator('#frame-urls li')).toHaveCount(0);
  expect(baseURL).not.toContain('crm.example');
});

test('frame.html may be framed only by its own origin and HighLevel\'s app origins', async ({ page }) => {
  const response = await page.request.get('/frame.html');
  const policy = response.headers()['content-security-policy'] ?? '';
  expect(policy).toMatch(/^frame-ancestors 'self' /);
  expect(policy).toContain('https://app.gohighlevel.com');
  expect(policy).not.toContain('*;');
  // The other pages are not meant to be framed by HighLevel: only their own origin may frame them.
  expect((await page.request.get('/crm-page.html')).headers()['content-security-policy']).toBe("frame-ancestors 'self'");
  expect((await page.request.get('/')).headers()['content-security-policy']).toBe("frame-ancestors 'self'");
  // The same file under another spelling of its path has the same policy.
  expect((await page.request.get('/%2Fframe.html')).headers()['content-security-policy']).toBe(policy);
});
