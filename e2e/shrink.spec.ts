import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { AXE_TAGS } from './axe-tags.js';
import { dropFiles } from './helpers.js';
import { dropPhotos, makePhoto, readStoredPhoto, type StoredPhoto } from './photos.js';

const LIMIT = 5_242_880;
const MB = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

/** The URL HighLevel (the mock) stored a done row's file at. */
const storedUrl = (page: Page, name: string) =>
  page.locator('.ghl-att-item', { hasText: name }).getByRole('link', { name: 'Open' }).getAttribute('href');

/** Counts the uploads the page sends to the BFF. */
function countUploads(page: Page): () => number {
  let posts = 0;
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().includes('/api/attachments')) posts += 1;
  });
  return () => posts;
}

test.describe('photos over the limit are shrunk to fit', () => {
  test.beforeEach(async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'Attach files to a HighLevel conversation' })).toBeVisible();
  });

  test('a 12-megapixel phone photo with EXIF orientation and GPS comes back under 5 MB, upright, without metadata', async ({ page }) => {
    test.setTimeout(60_000);
    const original = await makePhoto(page, { name: 'IMG_0001.jpg', width: 4000, height: 3000, type: 'image/jpeg', noise: 40, exifOrientation: 6 });
    expect(original).toBeGreaterThan(LIMIT);
    // The photo as the phone wrote it: its metadata is there to be lost.
    const local = await page.evaluate(() => URL.createObjectURL((window as unknown as { __photos: Record<string, File> }).__photos['IMG_0001.jpg']!));
    expect(await readStoredPhoto(page, local)).toMatchObject({ hasExif: true, width: 3000, height: 4000 });
    await dropPhotos(page, '.ghl-att-dropzone', ['IMG_0001.jpg']);

    const row = page.locator('.ghl-att-item', { hasText: 'IMG_0001.jpg' });
    await expect(row.getByText('Shrinking the photo to fit…')).toBeVisible();
    // While it works there is an indeterminate bar: work is going on, with no share to show.
    await expect(row.getByRole('progressbar')).not.toHaveAttribute('value');
    // The shrinking state is as accessible as every other (accessibility.spec.ts has the rest).
    const axe = await new AxeBuilder({ page }).include('.ghl-att').withTags(AXE_TAGS).analyze();
    expect(axe.violations.map((violation) => violation.id)).toEqual([]);
    await expect(row.getByText('Uploaded')).toBeVisible({ timeout: 40_000 });
    const url = (await storedUrl(page, 'IMG_0001.jpg'))!;
    const stored = await readStoredPhoto(page, url);
    expect(stored.size).toBeLessThanOrEqual(LIMIT);
    // Most of the limit is used: the best quality that fits, not a cautious fixed one.
    expect(stored.size).toBeGreaterThan(LIMIT * 0.85);
    await expect(row.getByText(`shrunk from ${MB(original)} to ${MB(stored.size)}`)).toBeVisible();
    expect(stored.type).toBe('image/jpeg');
    // Stored sideways with orientation 6: the upload is the upright picture, 3:4, as the pixels.
    expect(stored.height).toBeGreaterThan(stored.width);
    expect(stored.width / stored.height).toBeCloseTo(0.75, 2);
    expect(stored.hasExif).toBe(false);
    expect(url).toMatch(/\/files\/d\/[0-9a-f]+$/);
  });

  test('a PNG with transparency stays a PNG, scaled, its transparency kept; an opaque PNG photo is sent as a JPEG', async ({ page }) => {
    test.setTimeout(60_000);
    const clear = await makePhoto(page, { name: 'logo-sheet.png', width: 2000, height: 1600, type: 'image/png', noise: 60, transparent: true });
    const opaque = await makePhoto(page, { name: 'scan.png', width: 2000, height: 1600, type: 'image/png', noise: 60 });
    expect(clear).toBeGreaterThan(LIMIT);
    expect(opaque).toBeGreaterThan(LIMIT);
    await dropPhotos(page, '.ghl-att-dropzone', ['logo-sheet.png', 'scan.png']);

    const clearRow = page.locator('.ghl-att-item', { hasText: 'logo-sheet.png' });
    await expect(clearRow.getByText('Uploaded')).toBeVisible({ timeout: 40_000 });
    const png = await readStoredPhoto(page, (await storedUrl(page, 'logo-sheet.png'))!);
    expect(png).toMatchObject({ type: 'image/png', hasTransparency: true, hasExif: false });
    expect(png.size).toBeLessThanOrEqual(LIMIT);
    expect(png.width).toBeLessThan(2000);
    expect(png.width / png.height).toBeCloseTo(1.25, 1);

    // The user's name stays on the row; the file sent is named for what it now is.
    const opaqueRow = page.locator('.ghl-att-item', { hasText: 'scan.png' });
    await expect(opaqueRow.getByText('Uploaded')).toBeVisible({ timeout: 40_000 });
    await expect(opaqueRow.locator('.ghl-att-size')).toContainText('· sent as scan.jpg');
    const jpeg = await readStoredPhoto(page, (await storedUrl(page, 'scan.png'))!);
    expect(jpeg).toMatchObject({ type: 'image/jpeg', width: 2000, height: 1600 });
    expect(jpeg.size).toBeLessThanOrEqual(LIMIT);
  });

  test('shrinking can be cancelled like an upload, and retried; nothing is sent until it is done', async ({ page }) => {
    test.setTimeout(60_000);
    const uploads = countUploads(page);
    await makePhoto(page, { name: 'IMG_0002.jpg', width: 4000, height: 3000, type: 'image/jpeg', noise: 40 });
    await dropPhotos(page, '.ghl-att-dropzone', ['IMG_0002.jpg']);
    const row = page.locator('.ghl-att-item', { hasText: 'IMG_0002.jpg' });
    await expect(row.getByText('Shrinking the photo to fit…')).toBeVisible();
    await row.getByRole('button', { name: 'Cancel IMG_0002.jpg' }).click();
    await expect(row.getByText('Cancelled')).toBeVisible();
    await page.waitForTimeout(500);
    expect(uploads()).toBe(0);

    await row.getByRole('button', { name: 'Retry IMG_0002.jpg' }).click();
    await expect(row.getByText('Uploaded')).toBeVisible({ timeout: 40_000 });
    expect(uploads()).toBe(1);
  });

  test('an image over the limit that cannot be read is refused with that reason', async ({ page }) => {
    // JPEG's magic bytes, then nothing a decoder can use.
    const broken = Buffer.alloc(LIMIT + 1000, 0x5a);
    broken.set([0xff, 0xd8, 0xff, 0xe0]);
    await dropFiles(page, '.ghl-att-dropzone', [{ name: 'broken.jpg', mimeType: 'image/jpeg', buffer: broken }]);
    const refused = page.getByRole('list', { name: 'Not attached' });
    await expect(refused.getByText('broken.jpg')).toBeVisible();
    await expect(refused.getByText('The photo is over 5 MB and could not be made small enough.')).toBeVisible();
  });
});

/** The custom element on the plain CRM page, with `attributes` set. */
async function crmElement(page: Page, attributes: Record<string, string>): Promise<Locator> {
  await page.goto('/crm-page.html');
  const element = page.locator('ghl-attachments').first();
  await expect(element.getByText('Drop files here to attach them')).toBeVisible();
  await page.evaluate((attributes) => {
    const target = document.querySelector('ghl-attachments')!;
    for (const [name, value] of Object.entries(attributes)) target.setAttribute(name, value);
  }, attributes);
  return element;
}

/** Drops a photo made by `makePhoto` on the element, waits until it is uploaded: its row and what was stored. */
async function uploadToElement(page: Page, element: Locator, name: string): Promise<{ row: Locator; stored: StoredPhoto }> {
  await dropPhotos(page, 'ghl-attachments >> .ghl-att-dropzone', [name]);
  const row = element.locator('.ghl-att-item', { hasText: name });
  await expect(row.getByText('Uploaded')).toBeVisible({ timeout: 20_000 });
  return { row, stored: await readStoredPhoto(page, (await row.getByRole('link', { name: 'Open' }).getAttribute('href'))!) };
}

test('the custom element shrinks too, and `shrink-images="false"` turns it off', async ({ page }) => {
  const element = await crmElement(page, { 'max-file-size': '200000' });
  const size = await makePhoto(page, { name: 'small-limit.jpg', width: 1200, height: 900, type: 'image/jpeg', noise: 40 });
  expect(size).toBeGreaterThan(200_000);
  const { row, stored } = await uploadToElement(page, element, 'small-limit.jpg');
  await expect(row.locator('.ghl-att-size')).toHaveText(/^shrunk from \d+ kB to \d+ kB$/);
  expect(stored.size).toBeLessThanOrEqual(200_000);
  expect(stored.size).toBeGreaterThan(150_000);

  await page.evaluate(() => document.querySelector('ghl-attachments')!.setAttribute('shrink-images', 'false'));
  await dropPhotos(page, 'ghl-attachments >> .ghl-att-dropzone', ['small-limit.jpg']);
  await expect(element.getByRole('list', { name: 'Not attached' }).getByText(/The file is too large for HighLevel/)).toBeVisible();
});

test('`max-image-dimension` scales a photo that is under the size limit down to that longest side', async ({ page }) => {
  const element = await crmElement(page, { 'max-image-dimension': '800' });
  await makePhoto(page, { name: 'wide.jpg', width: 1200, height: 900, type: 'image/jpeg', noise: 10 });
  const { stored } = await uploadToElement(page, element, 'wide.jpg');
  expect(stored).toMatchObject({ width: 800, height: 600, hasExif: false });
});

test('where there is no Web Worker, the photo is shrunk on the main thread instead', async ({ page }) => {
  await page.addInitScript(() => {
    (window as unknown as { Worker: unknown }).Worker = undefined;
  });
  const element = await crmElement(page, { 'max-file-size': '200000' });
  await makePhoto(page, { name: 'no-worker.jpg', width: 1200, height: 900, type: 'image/jpeg', noise: 40 });
  const { stored } = await uploadToElement(page, element, 'no-worker.jpg');
  expect(stored.size).toBeLessThanOrEqual(200_000);
  expect(stored.size).toBeGreaterThan(150_000);
});
