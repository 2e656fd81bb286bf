import { expect, test } from '@playwright/test';
import { fixtureFile } from './helpers.js';

const ALL = ['sample.jpg', 'sample.jpeg', 'sample.png', 'sample.mp4', 'sample.mpeg', 'sample.zip', 'sample.rar', 'sample.pdf', 'sample.doc', 'sample.docx', 'sample.txt', 'sample.mp3', 'sample.wav'];

test('a real file of every allowed type goes through the BFF and mock and shows the right preview', async ({ page }) => {
  await page.goto('/?maxFiles=13&concurrency=4');
  const chooser = page.waitForEvent('filechooser');
  await page.getByRole('button', { name: 'Choose files to attach' }).click();
  await (await chooser).setFiles(ALL.map(fixtureFile));
  await expect(page.locator('.ghl-att-item[data-status="done"]')).toHaveCount(ALL.length, { timeout: 20_000 });

  const row = (name: string) => page.locator('.ghl-att-item', { has: page.locator('.ghl-att-name', { hasText: new RegExp(`^${name.replace('.', '\\.')}$`) }) });
  for (const name of ['sample.jpg', 'sample.jpeg', 'sample.png']) {
    const image = row(name).getByRole('img', { name });
    await expect(image).toBeVisible();
    // Read through the BFF's signed link: it outlives the hour the secure URL is public.
    await expect(image).toHaveAttribute('src', /\/api\/attachments\?preview=/);
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth > 0)).toBe(true);
  }
  // MP4 plays; MPEG-1 is a video no browser plays, so its player gives way to the card.
  await expect.poll(() => row('sample.mp4').locator('video').evaluate((video: HTMLVideoElement) => video.readyState)).toBeGreaterThan(0);
  await expect(row('sample.mpeg').locator('video')).toHaveCount(0);
  for (const name of ['sample.mp3', 'sample.wav']) {
    await expect.poll(() => row(name).locator('audio').evaluate((audio: HTMLAudioElement) => audio.duration)).toBeGreaterThan(0);
  }
  await expect(row('sample.pdf').locator('object[type="application/pdf"]')).toBeVisible();
  for (const name of ['sample.zip', 'sample.rar', 'sample.doc', 'sample.docx', 'sample.txt']) {
    await expect(row(name).locator('img, video, audio, object')).toHaveCount(0);
    await expect(row(name).locator('.ghl-att-icon[data-kind="file"]')).toBeVisible();
    // HighLevel's secure attachment URL (the mock plays them): /files/d/{slug}, no extension.
    await expect(row(name).getByRole('link', { name: 'Open' })).toHaveAttribute('href', /\/highlevel\/files\/d\/[0-9a-f]+$/);
  }
  // Every URL serves the bytes of its own file.
  for (const name of ALL) {
    const href = await row(name).getByRole('link', { name: 'Open' }).getAttribute('href');
    const served = await page.request.get(href!);
    expect(Buffer.from(await served.body()).equals(fixtureFile(name).buffer), name).toBe(true);
  }
});
