/**
 * docs/client.md's page without React, in Chromium, as a Vue, Svelte or plain-page user copies it:
 * the example's own code, run as written on a plain DOM page against a real BFF and mock, with
 * no React loaded. Then the core's stall timeout over a connection that really stops moving.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { commands } from 'vitest/browser';
import readme from '../../docs/client.md?raw';
import { Uploader } from './index.js';

let endpoint: string;
beforeAll(async () => {
  ({ endpoint } = await commands.startUploadStack(location.origin));
});
afterAll(() => commands.stopUploadStacks());

/** docs/client.md's `plain-page.js` example, importing this repository's entry instead of the package. */
function example(): string {
  const code = /<!-- example: plain-page\.js -->\s*```js\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!code) throw new Error('docs/client.md lacks <!-- example: plain-page.js -->');
  return code.replace("'ghl-attachments/client'", JSON.stringify(new URL('./index.ts', import.meta.url).href));
}

/** Picks files in `input` as the file dialog does. */
function pick(input: HTMLInputElement, files: File[]) {
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  input.files = transfer.files;
  input.dispatchEvent(new Event('change', { bubbles: true }));
}

describe('the page without React in docs/client.md', () => {
  it('uploads a picked file to a link, lists a refused one with its reason, and loads no React', async () => {
    document.body.innerHTML = `<form id="attachments" data-endpoint="${endpoint}" data-conversation-id="conv1"><input type="file" multiple> <ul></ul></form>`;
    const url = URL.createObjectURL(new Blob([example()], { type: 'text/javascript' }));
    await import(/* @vite-ignore */ url);
    const list = document.querySelector('ul')!;
    pick(document.querySelector('input')!, [new File(['Call back on Monday.\n'], 'note.txt', { type: 'text/plain' }), new File(['MZ'], 'setup.exe')]);
    await vi.waitFor(() => expect(list.querySelector('a')?.textContent).toBe('uploaded'), { timeout: 10_000 });
    const rows = [...list.querySelectorAll('li')].map((row) => row.textContent);
    expect(rows).toEqual(['note.txt: uploaded', expect.stringMatching(/^setup\.exe: This type of file is not allowed\. Allowed: JPG, JPEG, PNG, .*WAV\.$/)]);
    expect(list.querySelector('a')!.href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    const loaded = performance.getEntriesByType('resource').map((entry) => entry.name);
    expect(loaded.some((name) => name.includes('/src/client/uploader.ts'))).toBe(true);
    expect(loaded.filter((name) => /react/i.test(name))).toEqual([]);
    expect('React' in window).toBe(false);
  });

  it('an upload whose bytes stop moving is aborted as stalled after stallTimeoutMs, and can be retried', async () => {
    const stuck = await commands.startStuckServer(location.origin);
    // Larger than the socket buffers between Chromium and the server: sending has to wait for it.
    const big = new File([new Uint8Array(32 * 1024 * 1024)], 'big.pdf', { type: 'application/pdf' });
    const uploader = new Uploader({ conversationId: 'conv1', endpoint: stuck.endpoint, stallTimeoutMs: 2000, maxFileSize: 64 * 1024 * 1024 });
    uploader.subscribe(() => undefined);
    uploader.addFiles([big]);
    const row = () => uploader.getState().items[0]!;
    await vi.waitFor(() => expect(row()).toMatchObject({ status: 'error', error: { code: 'upload-stalled' } }), { timeout: 15_000 });
    expect(row().progress).toBeLessThan(1);
    uploader.retry(row().id);
    expect(row().status).toBe('uploading');
    uploader.destroy();
  });
});
