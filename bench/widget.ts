/**
 * The widget in Chromium, on the demo as `npm start` builds it (React's profiling build:
 * production speed, with <Profiler> reporting commits):
 * - 20 files uploading at once on a throttled link: React commits per second, beside the upload
 *   progress events the browser fired in the same time;
 * - 1,000 files dropped at once (most refused): the longest main-thread task.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chromium } from 'playwright';
import { CHROMIUM_ARGS, ensureChromium } from '../scripts/chromium.mjs';
import { pngOfSize } from '../src/testing/fixtures.js';

export interface WidgetFigures {
  commitsPerSecond: number;
  progressEventsPerSecond: number;
  uploadSeconds: number;
  longestTaskMs: number;
  dropToListMs: number;
}

async function startDemo(port: number): Promise<ChildProcess> {
  // Node itself, not npx: one process, so that stopping it stops the server.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/demo/start.ts'], { env: { ...process.env, PORT: String(port), GHL_TOKEN: '' }, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (String(chunk).includes('ghl-attachments demo:')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`demo server exited (${code})`)));
  });
  return child;
}

export async function measureWidget(port = 4190): Promise<WidgetFigures> {
  const server = await startDemo(port);
  const browser = await chromium.launch({ executablePath: ensureChromium(() => undefined), args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    await page.addInitScript(() => {
      const scope = window as unknown as { ghlCommits: number[]; progressEvents: number[]; longTasks: number[] };
      scope.ghlCommits = [];
      scope.progressEvents = [];
      scope.longTasks = [];
      const send = XMLHttpRequest.prototype.send;
      XMLHttpRequest.prototype.send = function (this: XMLHttpRequest, ...args) {
        this.upload.addEventListener('progress', () => scope.progressEvents.push(performance.now()));
        return send.apply(this, args);
      };
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) scope.longTasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(`http://127.0.0.1:${port}/?concurrency=20&maxFiles=20`);
    await page.getByText('Drop files here to attach them').waitFor();

    // 20 files at once, each 150 kB, on a 1 MB/s link: a few seconds of progress.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 5, downloadThroughput: -1, uploadThroughput: 1_000_000 });
    const png = Buffer.from(pngOfSize(150_000, 7)).toString('base64');
    await page.evaluate((base64) => {
      const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
      const transfer = new DataTransfer();
      for (let i = 0; i < 20; i += 1) transfer.items.add(new File([bytes], `photo-${i}.png`, { type: 'image/png' }));
      const zone = document.querySelector('.ghl-att-dropzone')!;
      (window as unknown as { ghlCommits: number[] }).ghlCommits.length = 0;
      zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true }));
    }, png);
    await page.waitForFunction(() => document.querySelectorAll('.ghl-att-item[data-status="done"]').length === 20, undefined, { timeout: 120_000 });
    const upload = await page.evaluate(() => {
      const scope = window as unknown as { ghlCommits: number[]; progressEvents: number[] };
      const first = Math.min(scope.progressEvents[0] ?? 0, scope.ghlCommits[0] ?? 0);
      const last = Math.max(...scope.progressEvents, ...scope.ghlCommits);
      const seconds = (last - first) / 1000;
      return { commits: scope.ghlCommits.length, progress: scope.progressEvents.length, seconds };
    });
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    // 1,000 files dropped at once: 10 fit (maxFiles), the rest are refused with a reason each.
    await page.reload();
    await page.getByText('Drop files here to attach them').waitFor();
    // The files are made in a task of their own: only what the widget does is measured.
    await page.evaluate(() => {
      const transfer = new DataTransfer();
      for (let i = 0; i < 1000; i += 1) {
        transfer.items.add(i % 100 === 0 ? new File(['hello'], `note-${i}.txt`, { type: 'text/plain' }) : new File(['MZ'], `tool-${i}.exe`));
      }
      (window as unknown as { thousand: DataTransfer }).thousand = transfer;
    });
    await page.waitForTimeout(200);
    const drop = await page.evaluate(async () => {
      const scope = window as unknown as { longTasks: number[]; thousand: DataTransfer };
      scope.longTasks.length = 0;
      const started = performance.now();
      document.querySelector('.ghl-att-dropzone')!.dispatchEvent(new DragEvent('drop', { dataTransfer: scope.thousand, bubbles: true }));
      // Done when the refusals are listed (grouped by reason) and the 10 accepted files are in.
      // (No named functions in here: tsx would wrap them in a helper the page does not have.)
      while (
        !document.querySelector('.ghl-att-rejection[data-code="file-type-not-allowed"]')?.textContent?.includes('988 more') ||
        document.querySelectorAll('.ghl-att-item').length !== 10
      ) {
        await new Promise((wait) => setTimeout(wait, 5));
      }
      const listed = performance.now() - started;
      await new Promise((wait) => setTimeout(wait, 300));
      return { listed, longest: Math.max(0, ...scope.longTasks) };
    });
    return {
      commitsPerSecond: upload.commits / upload.seconds,
      progressEventsPerSecond: upload.progress / upload.seconds,
      uploadSeconds: upload.seconds,
      longestTaskMs: drop.longest,
      dropToListMs: drop.listed,
    };
  } finally {
    await browser.close();
    server.kill('SIGTERM');
  }
}
