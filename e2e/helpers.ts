import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { findFileType } from '../src/shared/file-types.js';

export interface FilePayload {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** A real sample file from e2e/fixtures, with the MIME type a browser would give it. */
export function fixtureFile(name: string): FilePayload {
  return {
    name,
    mimeType: findFileType(name)?.mimeTypes[0] ?? '',
    buffer: readFileSync(join(import.meta.dirname, 'fixtures', name)),
  };
}

/** Drags files onto an element and drops them, as a user does from the desktop. */
export async function dropFiles(page: Page, selector: string, files: FilePayload[]): Promise<void> {
  const dataTransfer = await page.evaluateHandle(
    (payloads) => {
      const transfer = new DataTransfer();
      for (const file of payloads) {
        const bytes = Uint8Array.from(atob(file.base64), (char) => char.charCodeAt(0));
        transfer.items.add(new File([bytes], file.name, { type: file.mimeType }));
      }
      return transfer;
    },
    files.map((file) => ({ name: file.name, mimeType: file.mimeType, base64: file.buffer.toString('base64') })),
  );
  await page.dispatchEvent(selector, 'dragenter', { dataTransfer });
  await page.dispatchEvent(selector, 'dragover', { dataTransfer });
  await page.dispatchEvent(selector, 'drop', { dataTransfer });
}

/** Slows the browser's uploads down (bytes per second) so progress can be watched. */
export async function throttleUploads(page: Page, bytesPerSecond: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 20,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond,
  });
}

/** Starts recording every value any progress bar on the page takes. */
export async function recordProgress(page: Page): Promise<() => Promise<number[]>> {
  await page.evaluate(() => {
    const seen: number[] = [];
    (window as unknown as { progressSeen: number[] }).progressSeen = seen;
    const record = () => document.querySelectorAll('progress').forEach((bar) => seen.push(bar.value));
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true });
  });
  return () => page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
}
