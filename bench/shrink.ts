/**
 * Photo shrinking in Chromium: a 12-megapixel photo over HighLevel's 5 MB, made to fit by the
 * widget's search (in a Web Worker) and, side by side, by a fixed-quality single pass on the main
 * thread (quality 0.8, full size: what a fixed-setting compressor does). For each: time, bytes,
 * pixel dimensions, quality (PSNR against the original, in dB: higher is closer), and the longest
 * main-thread task while it ran.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright';
import { build } from 'vite';
import { makePhoto } from '../e2e/photos.js';
import { CHROMIUM_ARGS, ensureChromium } from '../scripts/chromium.mjs';

export interface ShrinkRun {
  ms: number;
  bytes: number;
  width: number;
  height: number;
  quality?: number;
  psnr: number;
  longestTaskMs: number;
  fits: boolean;
}

export interface ShrinkFigures {
  originalBytes: number;
  ours: ShrinkRun & { encodes: number; ranIn: string };
  fixed: ShrinkRun;
}

const LIMIT = 5_242_880;

async function buildPage(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'ghl-shrink-bench-'));
  await build({
    configFile: false,
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true, copyPublicDir: false, minify: true, lib: { entry: 'bench/shrink-page.ts', formats: ['iife'], name: 'shrinkBench', fileName: () => 'page.js' } },
  });
  const script = readFileSync(join(outDir, 'page.js'), 'utf8');
  rmSync(outDir, { recursive: true, force: true });
  return script;
}

export async function measureShrink(): Promise<ShrinkFigures> {
  const script = await buildPage();
  const server = createServer((request, response) => {
    if (request.url === '/page.js') response.writeHead(200, { 'Content-Type': 'text/javascript' }).end(script);
    else response.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>shrink</title><script src="/page.js"></script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browser = await chromium.launch({ executablePath: ensureChromium(() => undefined), args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    // tsx names functions through a helper the page does not have: give it one.
    await page.addInitScript('window.__name = (target) => target;');
    await page.addInitScript(() => {
      const scope = window as unknown as { longTasks: number[] };
      scope.longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) scope.longTasks.push(entry.duration);
      }).observe({ type: 'longtask', buffered: true });
    });
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const originalBytes = await makePhoto(page, { name: 'IMG_1200.jpg', width: 4000, height: 3000, type: 'image/jpeg', noise: 40 });
    await page.waitForTimeout(500);
    return await page.evaluate(async ({ limit, originalBytes }) => {
      const scope = window as unknown as {
        longTasks: number[];
        __photos: Record<string, File>;
        shrinkImage: (file: File, options: { maxBytes: number }) => Promise<{ file: File; quality?: number; encodes?: number; ranIn?: string } | null>;
      };
      const original = scope.__photos['IMG_1200.jpg']!;
      // PSNR of `blob` against the original, the original drawn at the blob's size.
      const psnr = async (blob: Blob) => {
        const result = await createImageBitmap(blob);
        const { width, height } = result;
        const pixels = async (source: ImageBitmap) => {
          const canvas = new OffscreenCanvas(width, height);
          const context = canvas.getContext('2d')!;
          context.imageSmoothingQuality = 'high';
          context.drawImage(source, 0, 0, width, height);
          return context.getImageData(0, 0, width, height).data;
        };
        const a = await pixels(result);
        const b = await pixels(await createImageBitmap(original));
        let squared = 0;
        for (let index = 0; index < a.length; index += 4) {
          for (let channel = 0; channel < 3; channel += 1) squared += (a[index + channel]! - b[index + channel]!) ** 2;
        }
        return { psnr: 10 * Math.log10((255 * 255) / (squared / ((a.length / 4) * 3))), width, height };
      };
      const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

      await settle();
      scope.longTasks.length = 0;
      let started = performance.now();
      const shrunk = (await scope.shrinkImage(original, { maxBytes: limit }))!;
      const oursMs = performance.now() - started;
      const oursLongest = Math.max(0, ...scope.longTasks);

      await settle();
      scope.longTasks.length = 0;
      started = performance.now();
      const bitmap = await createImageBitmap(original);
      const canvas = document.createElement('canvas');
      canvas.width = bitmap.width;
      canvas.height = bitmap.height;
      canvas.getContext('2d')!.drawImage(bitmap, 0, 0);
      const fixedBlob = await new Promise<Blob>((resolve) => canvas.toBlob((blob) => resolve(blob!), 'image/jpeg', 0.8));
      const fixedMs = performance.now() - started;
      await settle();
      const fixedLongest = Math.max(0, ...scope.longTasks);

      const ours = await psnr(shrunk.file);
      const fixed = await psnr(fixedBlob);
      return {
        originalBytes,
        ours: { ms: oursMs, bytes: shrunk.file.size, ...ours, quality: shrunk.quality, encodes: shrunk.encodes ?? 0, ranIn: shrunk.ranIn ?? '?', longestTaskMs: oursLongest, fits: shrunk.file.size <= limit },
        fixed: { ms: fixedMs, bytes: fixedBlob.size, ...fixed, quality: 0.8, longestTaskMs: fixedLongest, fits: fixedBlob.size <= limit },
      };
    }, { limit: LIMIT, originalBytes });
  } finally {
    await browser.close();
    server.close();
  }
}
