import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Frame, type Page } from '@playwright/test';
import { AXE_TAGS } from './axe-tags.js';
import { fixtureFile, type FilePayload } from './helpers.js';

/**
 * The message reaches the conversation: inside the mock's stand-in for HighLevel, the app's
 * custom page (frame.html in composer mode) sends what the user dropped and typed, and the
 * stand-in's thread (where a HighLevel user would look) shows it, once, whatever the clicks and
 * the network did.
 */
const port = process.env.E2E_PORT ?? '4173';
const STAND_IN = `http://localhost:${port}/highlevel/custom-page.html`;
const APP_ORIGIN = `http://127.0.0.1:${port}`;
const LOCATION = 'sunrise-dental';
const CONVERSATION = 'sunrise-dental-sms';

function named(fixture: string, stem: string): FilePayload {
  const file = fixtureFile(fixture);
  return { ...file, name: `${stem}-${Date.now()}${fixture.slice(fixture.lastIndexOf('.'))}` };
}

/** Opens the stand-in in the sub-account's phone conversation, installing the app there first if it is not. */
async function openComposer(page: Page): Promise<Frame> {
  const url = `${STAND_IN}?location=${LOCATION}&conversationId=${CONVERSATION}`;
  await page.goto(url);
  const install = page.getByRole('link', { name: 'Install the app' });
  if (await install.isVisible()) {
    await install.click();
    await page.getByRole('link', { name: 'Sunrise Dental' }).click();
    await page.waitForURL(/custom-page\.html\?location=sunrise-dental/);
    await page.goto(url);
  }
  await expect(page.locator('#install-state')).toHaveText('The app is installed in this sub-account.');
  const locator = page.frameLocator('iframe[title="Marketplace app: Attach files"]');
  await expect(locator.locator('ghl-attachments')).toHaveAttribute('data-highlevel-location', LOCATION);
  await expect(locator.getByRole('textbox', { name: 'Message' })).toBeVisible();
  return page.frames().find((frame) => frame.url().startsWith(`${APP_ORIGIN}/app/frame.html`))!;
}

/** Drops files on the composer's dropzone, as a user dragging them from the desktop. */
async function drop(frame: Frame, files: FilePayload[]) {
  const transfer = await frame.evaluateHandle(
    (payloads) => {
      const data = new DataTransfer();
      for (const file of payloads) data.items.add(new File([Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0))], file.name, { type: file.mimeType }));
      return data;
    },
    files.map((file) => ({ name: file.name, mimeType: file.mimeType, base64: file.buffer.toString('base64') })),
  );
  for (const type of ['dragenter', 'dragover', 'drop']) await frame.dispatchEvent('.ghl-att-dropzone', type, { dataTransfer: transfer });
}

const thread = (page: Page) => page.locator('#thread > li');

test('two files dropped and a message typed: Send puts one message with both attachments in the thread', async ({ page }) => {
  test.setTimeout(60_000);
  const frame = await openComposer(page);
  const png = named('sample.png', 'photo');
  const pdf = named('sample.pdf', 'report');
  await drop(frame, [png, pdf]);
  await expect(frame.getByRole('img', { name: png.name })).toBeVisible();
  await expect(frame.locator('.ghl-att-items').getByText(pdf.name)).toBeVisible();
  const text = `Here are both files ${Date.now()}`;
  const box = frame.getByRole('textbox', { name: 'Message' });
  await box.click();
  await box.fill(text);
  // What was typed is still there when Send is pressed (nothing the uploads finish re-renders clears it).
  await expect(box).toHaveValue(text);
  await frame.getByRole('button', { name: 'Send' }).click();
  await expect(frame.getByText('Message sent.')).toBeVisible();
  const message = thread(page).filter({ hasText: text });
  await expect(message).toHaveCount(1);
  await expect(message.getByRole('list', { name: 'Attachments' }).getByRole('listitem')).toHaveCount(2);
  // Cleared for the next message.
  await expect(frame.getByRole('textbox', { name: 'Message' })).toHaveValue('');
  await expect(frame.locator('.ghl-att-items').getByText(pdf.name)).toHaveCount(0);
});

test('a double click on Send, and a retry after the answer is cut, still make one message each', async ({ page }) => {
  test.setTimeout(60_000);
  const frame = await openComposer(page);
  const twice = `Double click ${Date.now()}`;
  await frame.getByRole('textbox', { name: 'Message' }).fill(twice);
  await frame.getByRole('button', { name: 'Send' }).dblclick();
  await expect(frame.getByText('Message sent.')).toBeVisible();
  await expect(thread(page).filter({ hasText: twice })).toHaveCount(1);

  // The first answer never reaches the browser (the connection drops after the BFF sent it);
  // the widget retries with the same key and is answered, not sent again.
  let cut = 0;
  await page.route('**/app/api/attachments/messages', async (route) => {
    if (cut++ > 0) return route.continue();
    await route.fetch();
    await route.abort('connectionreset');
  });
  const once = `Answer cut ${Date.now()}`;
  await frame.getByRole('textbox', { name: 'Message' }).fill(once);
  await frame.getByRole('button', { name: 'Send' }).click();
  await expect(frame.getByText('Message sent.')).toBeVisible({ timeout: 20_000 });
  expect(cut).toBeGreaterThanOrEqual(2);
  await expect(thread(page).filter({ hasText: once })).toHaveCount(1);
  await page.waitForTimeout(1500);
  await expect(thread(page).filter({ hasText: once })).toHaveCount(1);
});

test('the composer (frame.html in composer mode): no axe violations empty, ready and sent; Send from the keyboard; no sideways scroll at 320 px', async ({ page }) => {
  test.setTimeout(60_000);
  await page.goto('/frame.html?mode=composer&conversationId=demo-conversation');
  const box = page.getByRole('textbox', { name: 'Message' });
  await expect(box).toBeVisible();
  const audit = async (state: string) => {
    // The composer, inside the element's shadow root (the frame page around it is the host's).
    const composer = { fromShadowDom: ['ghl-attachments', '.ghl-att-composer'] };
    const results = await new AxeBuilder({ page }).include(composer as unknown as string).withTags(AXE_TAGS).analyze();
    expect(results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target).join(', ')}`), state).toEqual([]);
  };
  await audit('empty');
  await box.fill('Typed, then sent with the keyboard');
  await audit('ready');
  await box.press('Control+Enter');
  await expect(page.getByText('Message sent.')).toBeVisible();
  await expect(box).toHaveValue('');
  await expect(box).toBeFocused();
  await audit('sent');

  await page.setViewportSize({ width: 320, height: 800 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);
});

test('under a CSP that refuses inline styles, the element and its composer are styled and nothing is blocked', async ({ page }) => {
  // The frame page as a strict host serves it: styles only from its own files, none inline.
  await page.route('**/frame.html*', async (route) => {
    const response = await route.fetch();
    const policy = [response.headers()['content-security-policy'], "style-src 'self'"].filter(Boolean).join('; ');
    await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': policy } });
  });
  await page.addInitScript(() => {
    (window as unknown as { blocked: string[] }).blocked = [];
    document.addEventListener('securitypolicyviolation', (event) => {
      (window as unknown as { blocked: string[] }).blocked.push(`${event.effectiveDirective} ${event.sample || event.blockedURI}`);
    });
  });
  await page.goto('/frame.html?mode=composer&conversationId=demo-conversation');
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeVisible();
  // The policy holds: the frame page's own inline <style> is refused, as the host asked…
  await expect.poll(() => page.evaluate(() => (window as unknown as { blocked: string[] }).blocked.some((line) => line.startsWith('style-src-elem')))).toBe(true);
  // …and the widget's and the composer's sheets are not among what was refused.
  const blocked = await page.evaluate(() => (window as unknown as { blocked: string[] }).blocked);
  expect(blocked.filter((line) => /ghl-att/.test(line))).toEqual([]);
  const dropzone = page.locator('ghl-attachments .ghl-att-dropzone');
  expect(await dropzone.evaluate((zone) => getComputedStyle(zone).borderTopStyle)).toBe('dashed');
  // The composer's own sheet: its fields are grids, a plain <div> is a block.
  const field = page.locator('ghl-attachments .ghl-att-composer-field').first();
  expect(await field.evaluate((element) => getComputedStyle(element).display)).toBe('grid');
});
