import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { allowedCrmPort, refusedCrmPort } from '../playwright.config.js';
import { DEFAULT_ERROR_MESSAGES } from '../src/shared/messages.js';
import { fixtureFile } from './helpers.js';

// The README's script-tag example, served from other origins than the demo's (`npm start`, the
// Playwright baseURL): one the BFF allows (GHL_ALLOWED_ORIGINS in playwright.config.ts), one it
// does not. The widget posts across origins to the demo's BFF, as on a real CRM page.

const CONVERSATION_ID = 'demo-conversation';
const README_HEADING = '### 2. On a CRM page that is not React (script tag)';

/** The first ```html block under the README's script-tag heading, as the README has it. */
function readmeExample(): string {
  const readme = readFileSync(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(README_HEADING));
  const block = /```html\n([\s\S]*?)```/.exec(section);
  if (readme.indexOf(README_HEADING) < 0 || !block) throw new Error(`README.md has no html example under "${README_HEADING}"`);
  return block[1]!;
}

/** A plain CRM page around the README's example, pointed at the demo's BFF. */
function crmPage(demoOrigin: string): string {
  const example = readmeExample().replaceAll('https://your-app.example', demoOrigin).replaceAll('CONVERSATION_ID', CONVERSATION_ID);
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>A CRM page on another origin</title></head>
  <body>
    <main>
${example}
    </main>
    <script>
      // What the page hears, for the test to read.
      window.ghlUploads = [];
      window.ghlErrors = [];
      document.addEventListener('ghl-upload-success', (event) => window.ghlUploads.push(event.detail));
      document.addEventListener('ghl-upload-error', (event) => window.ghlErrors.push(event.detail));
    </script>
  </body>
</html>`;
}

/** How long to wait for a port another worker holds (`--repeat-each` runs copies of this file at once). */
const PORT_WAIT_MS = 60_000;

/** Serves `html` at `/` of http://127.0.0.1:port (404 for anything else). */
async function servePage(port: number, html: string): Promise<Server> {
  const deadline = Date.now() + PORT_WAIT_MS;
  for (;;) {
    const server = createServer((req, res) => {
      if (req.url === '/' || req.url?.startsWith('/?')) res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(html);
      else res.writeHead(404).end();
    });
    const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
      server.once('error', resolve);
      server.listen(port, '127.0.0.1', () => resolve(undefined));
    });
    if (!error) return server;
    if (error.code !== 'EADDRINUSE') throw error;
    if (Date.now() > deadline) throw new Error(`Port ${port} is taken: set E2E_CRM_PORT / E2E_REFUSED_CRM_PORT (and restart npm start).`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface Heard {
  ghlUploads: { file: { name: string; url: string; previewUrl?: string } }[];
  ghlErrors: { code: string; fileName: string }[];
}
const heard = (page: Page): Promise<Heard> =>
  page.evaluate(() => {
    const { ghlUploads, ghlErrors } = window as unknown as Heard;
    return { ghlUploads, ghlErrors };
  });

const servers: Server[] = [];
test.beforeAll(async ({ baseURL }) => {
  test.setTimeout(PORT_WAIT_MS + 30_000);
  const html = crmPage(new URL(baseURL!).origin);
  servers.push(await servePage(allowedCrmPort, html), await servePage(refusedCrmPort, html));
});
test.afterAll(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

test('from an allowed origin: the upload works, ghl-upload-success reports the URL, the preview loads through the BFF', async ({ page, baseURL }) => {
  const logged: unknown[] = [];
  page.on('console', async (message) => {
    if (message.type() === 'log') logged.push(await message.args()[0]?.jsonValue());
  });
  await page.goto(`http://127.0.0.1:${allowedCrmPort}/`);
  const element = page.locator('ghl-attachments');
  await expect(element.getByText('Drop files here to attach them')).toBeVisible();
  await element.locator('input[type=file]').setInputFiles([fixtureFile('sample.png')]);

  const image = element.getByRole('img', { name: 'sample.png' });
  await expect(image).toBeVisible({ timeout: 15_000 });
  await expect.poll(async () => (await heard(page)).ghlUploads.length).toBe(1);
  const { file } = (await heard(page)).ghlUploads[0]!;
  expect(file!.url).toMatch(new RegExp(`^${baseURL}/highlevel/files/d/`));
  // The README's own listener logged the same files.
  await expect.poll(() => logged).toContainEqual(expect.objectContaining({ name: 'sample.png', url: file!.url }));

  // The image is read through the BFF's signed link, across origins, and really loads.
  expect(file!.previewUrl).toMatch(new RegExp(`^${baseURL}/api/attachments\\?preview=`));
  await expect(image).toHaveAttribute('src', file!.previewUrl!);
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(48);
  // The links are HighLevel's URL, which goes into the message.
  await expect(element.getByRole('link', { name: 'Open' })).toHaveAttribute('href', file!.url);
  expect((await heard(page)).ghlErrors).toEqual([]);
});

test('from an origin the BFF does not allow: refused by the browser, and the widget says so, not "connection lost"', async ({ page }) => {
  await page.goto(`http://127.0.0.1:${refusedCrmPort}/`);
  const element = page.locator('ghl-attachments');
  await element.locator('input[type=file]').setInputFiles([fixtureFile('sample.png')]);

  const row = element.locator('.ghl-att-item', { hasText: 'sample.png' });
  await expect(row.locator('.ghl-att-status')).toHaveText(DEFAULT_ERROR_MESSAGES['origin-not-allowed'], { timeout: 15_000 });
  await expect(row).toHaveAttribute('data-status', 'error');
  await expect(row).not.toContainText('connection was lost');
  await expect.poll(async () => (await heard(page)).ghlErrors).toEqual([expect.objectContaining({ code: 'origin-not-allowed', fileName: 'sample.png' })]);

  // Being online again changes nothing: a refused origin is not retried by itself.
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await page.waitForTimeout(500);
  await expect(row.locator('.ghl-att-status')).toHaveText(DEFAULT_ERROR_MESSAGES['origin-not-allowed']);
  expect((await heard(page)).ghlUploads).toEqual([]);
  await expect(element.getByRole('img', { name: 'sample.png' })).toHaveCount(0);
});

test('from an allowed origin, a connection dropped mid-upload is still "connection lost", not a refusal', async ({ page, baseURL }) => {
  await page.goto(`http://127.0.0.1:${allowedCrmPort}/`);
  // The upload's POST is reset on its way; the preflight and the probes reach the real BFF.
  // (Chrome's own interception, not page.route: Playwright's routing answers every preflight itself.)
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Fetch.enable', { patterns: [{ urlPattern: `${baseURL}/api/attachments*`, requestStage: 'Request' }] });
  const seen: string[] = [];
  cdp.on('Fetch.requestPaused', (event: { requestId: string; request: { method: string; url: string } }) => {
    seen.push(event.request.method);
    void (event.request.method === 'POST'
      ? cdp.send('Fetch.failRequest', { requestId: event.requestId, errorReason: 'ConnectionReset' })
      : cdp.send('Fetch.continueRequest', { requestId: event.requestId }));
  });
  const element = page.locator('ghl-attachments');
  await element.locator('input[type=file]').setInputFiles([fixtureFile('sample.png')]);
  const row = element.locator('.ghl-att-item', { hasText: 'sample.png' });
  await expect(row.locator('.ghl-att-status')).toHaveText(DEFAULT_ERROR_MESSAGES.network, { timeout: 15_000 });
  expect(seen).toContain('POST');
  expect(seen.filter((method) => method === 'GET').length).toBeGreaterThanOrEqual(2); // both probes
  await expect.poll(async () => (await heard(page)).ghlErrors).toEqual([expect.objectContaining({ code: 'network' })]);

  // When the connection is back, the browser says so, and the upload goes again by itself.
  await cdp.send('Fetch.disable');
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await expect(element.getByRole('img', { name: 'sample.png' })).toBeVisible({ timeout: 15_000 });
  await expect.poll(async () => (await heard(page)).ghlUploads.length).toBe(1);
});
