import { expect, test } from '@playwright/test';
import { dropFiles, fixtureFile, recordProgress, throttleUploads } from './helpers.js';

test.beforeEach(async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Attach files to a HighLevel conversation' })).toBeVisible();
});

test('a dropped PNG uploads with a progress bar and comes back as a loaded image; a refused file says why', async ({ page, baseURL }) => {
  const png = fixtureFile('sample.png');
  // Padding after IEND keeps the PNG valid while giving the progress bar something to show.
  const padded = { ...png, name: 'photo.png', buffer: Buffer.concat([png.buffer, Buffer.alloc(400_000, 7)]) };
  const refused = { name: 'installer.exe', mimeType: 'application/x-msdownload', buffer: Buffer.from('MZ') };

  const progressSeen = await recordProgress(page);
  await throttleUploads(page, 300_000);
  await dropFiles(page, '.ghl-att-dropzone', [padded, refused]);

  const refusals = page.getByRole('list', { name: 'Not attached' });
  await expect(refusals.getByText('installer.exe')).toBeVisible();
  await expect(refusals.getByText(/This type of file is not allowed\. Allowed: JPG, JPEG, PNG/)).toBeVisible();

  const bar = page.getByRole('progressbar', { name: 'Upload of photo.png' });
  await expect(bar).toBeVisible();

  const image = page.getByRole('img', { name: 'photo.png' });
  await expect(image).toBeVisible({ timeout: 20_000 });
  await expect(bar).toHaveCount(0);
  // The image really loaded from the URL the mock returned.
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(48);
  // The preview is read through the BFF's signed link (GET ?preview=), the link goes to
  // HighLevel's URL itself (a secure attachment's, on the mock: public for an hour).
  expect(await image.getAttribute('src')).toMatch(new RegExp(`^${baseURL}/api/attachments\\?preview=`));
  const url = (await page.locator('.ghl-att-thumb').getAttribute('href'))!;
  expect(url).toMatch(new RegExp(`^${baseURL}/highlevel/files/d/`));
  const served = await page.request.get(url);
  expect(Buffer.from(await served.body()).equals(padded.buffer)).toBe(true);
  const previewed = await page.request.get((await image.getAttribute('src'))!);
  expect(Buffer.from(await previewed.body()).equals(padded.buffer)).toBe(true);

  // The bar moved through values between empty and full, never backwards.
  const values = await progressSeen();
  expect(values.some((value) => value > 0 && value < 100)).toBe(true);
  const upload = values.filter((value) => value > 0);
  expect(upload).toEqual([...upload].sort((a, b) => a - b));
  // The URL is listed for the message.
  await expect(page.locator('.demo-urls code')).toHaveText(url);
});

test('files picked with the file chooser upload too', async ({ page, baseURL }) => {
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choose files to attach' }).click();
  await (await chooser).setFiles([fixtureFile('sample.pdf'), fixtureFile('sample.jpg')]);
  await expect(page.getByRole('img', { name: 'sample.jpg' })).toBeVisible();
  const pdfRow = page.locator('.ghl-att-item', { hasText: 'sample.pdf' });
  await expect(pdfRow.getByRole('link', { name: 'Open' })).toHaveAttribute('href', /\/highlevel\/files\/d\/[0-9a-f]+$/);
  // The PDF is shown inline, read through the BFF.
  await expect(pdfRow.locator('object[type="application/pdf"]')).toHaveAttribute('data', new RegExp(`^${baseURL}/api/attachments\\?preview=`));
});

test('text files in every encoding people save them in upload, and are stored byte for byte', async ({ page }) => {
  // Notepad's "ANSI" (Windows-1252), Latin-1, UTF-16 either way round, UTF-8 with a BOM.
  const names = ['text-windows-1252.txt', 'text-latin-1.txt', 'text-utf-16le.txt', 'text-utf-16be.txt', 'text-utf-8-bom.txt'];
  await dropFiles(page, '.ghl-att-dropzone', names.map((name) => fixtureFile(name)));
  await expect(page.locator('.ghl-att-item[data-status="done"]')).toHaveCount(names.length, { timeout: 20_000 });
  for (const name of names) {
    const row = page.locator('.ghl-att-item', { hasText: name });
    const url = (await row.getByRole('link', { name: 'Open' }).getAttribute('href'))!;
    expect(Buffer.from(await (await page.request.get(url)).body()).equals(fixtureFile(name).buffer), name).toBe(true);
  }
});

test('offline when a file is picked: once back online the upload code loads, and the file is stored', async ({ page, context }) => {
  // Offline before anything asks for the upload code (loaded on first need): its first load fails.
  await context.setOffline(true);
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choose files to attach' }).click();
  await (await chooser).setFiles([fixtureFile('sample.pdf')]);
  const row = page.locator('.ghl-att-item', { hasText: 'sample.pdf' });
  await expect(row).toContainText('The connection was lost. It will retry when you are back online, or retry now.');

  // Back online, the widget retries by itself: the code is loaded again, not the failure kept.
  await context.setOffline(false);
  await expect(row.getByRole('link', { name: 'Open' })).toHaveAttribute('href', /\/highlevel\/files\/d\/[0-9a-f]+$/, { timeout: 15_000 });
});
