import { expect, test, type FrameLocator, type Page } from '@playwright/test';
import { fixtureFile, type FilePayload } from './helpers.js';

/**
 * The Marketplace app in the mock's stand-in for HighLevel, as `npm start` serves it: the stand-in
 * on `localhost` frames the app's custom page on `127.0.0.1` (another site, as HighLevel is to an
 * app), answers its SSO handshake, installs the app per sub-account, and lists what HighLevel
 * stored in each.
 */
const port = process.env.E2E_PORT ?? '4173';
const STAND_IN = `http://localhost:${port}/highlevel/custom-page.html`;
const APP_ORIGIN = `http://127.0.0.1:${port}`;
const SESSION_COOKIE = '__Host-ghl-attachments-session';
const NAMES: Record<string, string> = { 'sunrise-dental': 'Sunrise Dental', 'harbor-fitness': 'Harbor Fitness' };

/** A real fixture under a name of this run, so that lists from earlier runs do not count. */
function named(fixture: string, stem: string): FilePayload {
  const file = fixtureFile(fixture);
  return { ...file, name: `${stem}-${Date.now()}${fixture.slice(fixture.lastIndexOf('.'))}` };
}

/** Opens the stand-in at `location`, installing the app there first if it is not. */
async function openInHighLevel(page: Page, location: string): Promise<FrameLocator> {
  await page.goto(`${STAND_IN}?location=${location}`);
  const install = page.getByRole('link', { name: 'Install the app' });
  if (await install.isVisible()) {
    await install.click();
    // HighLevel's location chooser, then the app's callback, then back here.
    await page.getByRole('link', { name: NAMES[location] }).click();
    await page.waitForURL(`${STAND_IN}?location=${location}`);
  }
  await expect(page.locator('#install-state')).toHaveText('The app is installed in this sub-account.');
  const frame = page.frameLocator('iframe[title="Marketplace app: Attach files"]');
  // Signed in through the stand-in's answer, for this sub-account.
  await expect(frame.locator('ghl-attachments')).toHaveAttribute('data-highlevel-location', location);
  return frame;
}

test('installed in two sub-accounts: each upload lands in the sub-account the user is in', async ({ page }) => {
  let frame = await openInHighLevel(page, 'sunrise-dental');
  const png = named('sample.png', 'sunrise');
  await frame.locator('ghl-attachments input[type=file]').setInputFiles([png]);
  await expect(page.locator('#stored-files')).toContainText(png.name);

  // The user switches sub-account in HighLevel: the page signs in again, for that one.
  frame = await openInHighLevel(page, 'harbor-fitness');
  const pdf = named('sample.pdf', 'harbor');
  await frame.locator('ghl-attachments input[type=file]').setInputFiles([pdf]);
  await expect(page.locator('#stored-files')).toContainText(pdf.name);
  await expect(page.locator('#stored-files')).not.toContainText(png.name);

  await page.goto(`${STAND_IN}?location=sunrise-dental`);
  await expect(page.locator('#stored-files')).toContainText(png.name);
  await expect(page.locator('#stored-files')).not.toContainText(pdf.name);
});

test('the cookie path: the session is a partitioned cookie that carries uploads and previews on its own', async ({ page, context }) => {
  const sessionAnswer = page.waitForResponse((response) => response.url().endsWith('/app/api/attachments/session'));
  const frame = await openInHighLevel(page, 'sunrise-dental');
  expect((await sessionAnswer).status()).toBe(200);
  const cookie = (await context.cookies(APP_ORIGIN)).find((candidate) => candidate.name === SESSION_COOKIE);
  expect(cookie).toMatchObject({ httpOnly: true, secure: true, sameSite: 'None' });
  // Kept in HighLevel's (the stand-in's) partition, not the app's own jar.
  expect(cookie?.partitionKey).toBe('http://localhost');

  // The preview is an <img> that can send no header: the cookie alone lets the BFF read it.
  const png = named('sample.png', 'cookie');
  await frame.locator('ghl-attachments input[type=file]').setInputFiles([png]);
  const image = frame.getByRole('img', { name: png.name });
  await expect(image).toBeVisible();
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(48);
  expect(await image.getAttribute('src')).toContain('/app/api/attachments?preview=');

  // An upload with no Authorization header at all, the cookie only.
  const appFrame = page.frames().find((candidate) => candidate.url().startsWith(`${APP_ORIGIN}/app/frame.html`))!;
  const status = await appFrame.evaluate(async () => {
    const form = new FormData();
    // The conversation the stand-in framed (one that exists in the sub-account).
    form.append('conversationId', new URLSearchParams(window.location.search).get('conversationId') ?? '');
    form.append('file', new Blob(['hello from the cookie'], { type: 'text/plain' }), 'cookie-only.txt');
    const response = await fetch('api/attachments', { method: 'POST', headers: { 'X-Requested-With': 'ghl-attachments' }, body: form });
    return response.status;
  });
  expect(status).toBe(200);
});

test('the header path: where the browser keeps no cookie for the frame, the session travels as a bearer header', async ({ page, context }) => {
  // As a browser that blocks the frame's cookies altogether (partitioned ones too) does.
  // (Fetched outside the browser: route.fetch() would store the cookie in the context itself.)
  await page.route('**/app/api/attachments/session', async (route) => {
    const request = route.request();
    const response = await fetch(request.url(), { method: 'POST', headers: await request.allHeaders(), body: new Uint8Array(request.postDataBuffer() ?? Buffer.alloc(0)) });
    const headers = Object.fromEntries([...response.headers].filter(([name]) => name !== 'set-cookie'));
    await route.fulfill({ status: response.status, headers, body: Buffer.from(await response.arrayBuffer()) });
  });
  const uploads: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith('/app/api/attachments')) uploads.push(request.headers().authorization ?? '');
  });
  const frame = await openInHighLevel(page, 'harbor-fitness');
  const txt = named('sample.txt', 'header');
  await frame.locator('ghl-attachments input[type=file]').setInputFiles([txt]);
  await expect(page.locator('#stored-files')).toContainText(txt.name);
  expect((await context.cookies(APP_ORIGIN)).some((candidate) => candidate.name === SESSION_COOKIE)).toBe(false);
  expect(uploads.at(-1)).toMatch(/^Bearer \S+\.\S+$/);

  // Without the header (and no cookie) the BFF refuses: the session is the only way in.
  const appFrame = page.frames().find((candidate) => candidate.url().startsWith(`${APP_ORIGIN}/app/frame.html`))!;
  const refused = await appFrame.evaluate(async () => {
    const form = new FormData();
    form.append('conversationId', 'no-session');
    form.append('file', new Blob(['hello'], { type: 'text/plain' }), 'no-session.txt');
    const response = await fetch('api/attachments', { method: 'POST', headers: { 'X-Requested-With': 'ghl-attachments' }, body: form });
    return [response.status, ((await response.json()) as { error: { code: string } }).error.code];
  });
  expect(refused).toEqual([401, 'unauthorized']);
});

test('the custom page takes the SSO answer only from a HighLevel origin, even with a genuine payload', async ({ page }) => {
  // A genuine encrypted payload, as anyone who once saw one could replay it.
  // (Read without a browser: the stand-in's own frame would sign in, and be counted below.)
  const standIn = await page.request.get(`${STAND_IN}?location=sunrise-dental`);
  const payload = /"payload":"([^"]+)"/.exec(await standIn.text())?.[1];
  expect(payload).toBeTruthy();
  // A page of another site that frames the custom page (its framing policy lifted, to reach
  // the handshake itself) and answers with that payload.
  await page.route('https://evil.example/', (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<iframe title="app" src="${APP_ORIGIN}/app/frame.html?sso=1"></iframe><script>
        window.addEventListener('message', (event) => {
          if (event.data && event.data.message === 'REQUEST_USER_DATA') {
            window.answered = (window.answered || 0) + 1;
            event.source.postMessage({ message: 'REQUEST_USER_DATA_RESPONSE', payload: ${JSON.stringify(payload)} }, '*');
          }
        });</script>`,
    }),
  );
  await page.route(`${APP_ORIGIN}/app/frame.html?sso=1`, async (route) => {
    const response = await route.fetch();
    const headers = { ...response.headers() };
    delete headers['content-security-policy'];
    await route.fulfill({ response, headers });
  });
  let signIns = 0;
  page.on('request', (request) => {
    if (request.url().endsWith('/app/api/attachments/session')) signIns += 1;
  });
  await page.goto('https://evil.example/');
  const frame = page.frameLocator('iframe[title="app"]');
  await expect(frame.getByText('Drop files here to attach them')).toBeVisible();
  await expect(frame.locator('ghl-attachments')).toHaveAttribute('highlevel-sso', /localhost/);
  // The answer came (from evil.example) and was ignored: no sign-in was even tried.
  await expect.poll(() => page.evaluate(() => (window as unknown as { answered?: number }).answered ?? 0)).toBeGreaterThan(0);
  await page.waitForTimeout(1000);
  expect(signIns).toBe(0);
  await expect(frame.locator('ghl-attachments')).not.toHaveAttribute('data-highlevel-location', /./);
});
