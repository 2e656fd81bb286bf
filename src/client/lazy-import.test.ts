/**
 * Code loaded on first need loads again after a failure. The Chromium case (the same import
 * fails at once, forever, naming its URL) is played with a module file of its own; Chromium
 * itself is in upload-file.browser.test.ts and e2e/upload.spec.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect, it, vi } from 'vitest';
import { lazyImport } from './lazy-import.js';

const folder = mkdtempSync(join(tmpdir(), 'lazy-import-'));
writeFileSync(join(folder, 'answer.mjs'), 'export const answer = 42;\n');
const moduleUrl = pathToFileURL(join(folder, 'answer.mjs')).href;
/** What Chromium throws for a module URL whose load failed, then and every time after. */
const chromiumFailure = () => new TypeError(`Failed to fetch dynamically imported module: ${moduleUrl}`);

it('loads once, however often it is asked', async () => {
  const importer = vi.fn(async () => ({ answer: 1 }));
  const load = lazyImport(importer);
  const [first, second] = await Promise.all([load(), load()]);
  expect(await load()).toBe(first);
  expect(second).toBe(first);
  expect(importer).toHaveBeenCalledTimes(1);
});

it('a failed load is not kept: the next ask imports again', async () => {
  const offline = new TypeError('Importing a module script failed.');
  const importer = vi.fn<() => Promise<{ answer: number }>>().mockRejectedValueOnce(offline).mockResolvedValue({ answer: 2 });
  const load = lazyImport(importer);
  await expect(load()).rejects.toBe(offline);
  expect(await load()).toEqual({ answer: 2 });
  expect(importer).toHaveBeenCalledTimes(2);
});

it('a failure that names no module URL is thrown as it is, every time', async () => {
  const offline = new TypeError('Importing a module script failed.');
  const importer = vi.fn(() => Promise.reject(offline));
  const load = lazyImport(importer);
  for (let i = 0; i < 3; i += 1) await expect(load()).rejects.toBe(offline);
  expect(importer).toHaveBeenCalledTimes(3);
});

it('a browser that keeps the failure: the first is the connection’s, then the named URL loads under a query of its own', async () => {
  const importer = vi.fn(() => Promise.reject(chromiumFailure()));
  const load = lazyImport<{ answer: number }>(importer);
  // Still offline: the failure is told as it is, and nothing else is tried.
  await expect(load()).rejects.toThrow(moduleUrl);
  // Back online: the same import still fails at once, so its URL is loaded afresh.
  const loaded = await load();
  expect(loaded.answer).toBe(42);
  expect(await load()).toBe(loaded);
  expect(importer).toHaveBeenCalledTimes(2);
});

it('each try after that is under a new query, so that a URL that failed again is not the next one', async () => {
  const missing = pathToFileURL(join(folder, 'not-yet.mjs')).href;
  const load = lazyImport<{ late: boolean }>(() => Promise.reject(new TypeError(`error loading dynamically imported module: ${missing}`)));
  await expect(load()).rejects.toThrow('error loading dynamically imported module');
  // The file is still missing: each afresh load fails too, each under a URL not tried before.
  await expect(load()).rejects.toThrow(/not-yet\.mjs\?load=1\b/);
  await expect(load()).rejects.toThrow(/not-yet\.mjs\?load=2\b/);
  writeFileSync(join(folder, 'not-yet.mjs'), 'export const late = true;\n');
  expect((await load()).late).toBe(true);
});
