/**
 * Code loaded on first need loads again after a failure. The Chromium case (the same import
 * fails at once, forever, naming its URL) is played with a module file of its own; Chromium
 * itself is in upload-file.browser.test.ts and e2e/upload.spec.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, it, vi } from 'vitest';
import { lazyImport } from './lazy-import.js';

const folder = mkdtempSync(join(tmpdir(), 'lazy-import-'));
writeFileSync(join(folder, 'answer.mjs'), 'export const answer = () => 42;\n');
// A bundler's chunk: the module's exports under a short name, beside another module's.
writeFileSync(join(folder, 'chunk.mjs'), 'const answer_exports = { answer: () => 7 };\nconst other = { other: () => true };\nexport { answer_exports as t, other as n };\n');
// A chunk whose other exports come first: an empty value, and a class with a static of the module's name.
writeFileSync(
  join(folder, 'crowded.mjs'),
  'const nothing = null;\nclass Helper { static answer() { return 3; } }\nconst answer_exports = { answer: () => 7 };\nexport { nothing as a, Helper as b, answer_exports as t };\n',
);
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const moduleUrl = pathToFileURL(join(folder, 'answer.mjs')).href;
/** What Chromium throws for a module URL whose load failed, then and every time after. */
const chromiumFailure = (url = moduleUrl) => new TypeError(`Failed to fetch dynamically imported module: ${url}`);

it('loads once, however often it is asked', async () => {
  const importer = vi.fn(async () => ({ answer: () => 1 }));
  const load = lazyImport(importer, 'answer');
  const [first, second] = await Promise.all([load(), load()]);
  expect(await load()).toBe(first);
  expect(second).toBe(first);
  expect(importer).toHaveBeenCalledTimes(1);
});

it('a failed load is not kept: the next ask imports again', async () => {
  const offline = new TypeError('Importing a module script failed.');
  const second = { answer: () => 2 };
  const importer = vi.fn<() => Promise<{ answer: () => number }>>().mockRejectedValueOnce(offline).mockResolvedValue(second);
  const load = lazyImport(importer, 'answer');
  await expect(load()).rejects.toBe(offline);
  expect(await load()).toBe(second);
  expect(importer).toHaveBeenCalledTimes(2);
});

it('a failure that names no module URL is thrown as it is, every time', async () => {
  const offline = new TypeError('Importing a module script failed.');
  const importer = vi.fn(() => Promise.reject<{ answer: () => number }>(offline));
  const load = lazyImport(importer, 'answer');
  for (let i = 0; i < 3; i += 1) await expect(load()).rejects.toBe(offline);
  expect(importer).toHaveBeenCalledTimes(3);
});

it('a browser that keeps the failure: the first is the connection’s, then the named URL loads under a query of its own', async () => {
  const importer = vi.fn(() => Promise.reject(chromiumFailure()));
  const load = lazyImport<{ answer: () => number }>(importer, 'answer');
  // Still offline: the failure is told as it is, and nothing else is tried.
  await expect(load()).rejects.toThrow(moduleUrl);
  // Back online: the same import still fails at once, so its URL is loaded afresh.
  const loaded = await load();
  expect(loaded.answer()).toBe(42);
  expect(await load()).toBe(loaded);
  expect(importer).toHaveBeenCalledTimes(2);
});

it('each try after that is under a new query, so that a URL that failed again is not the next one', async () => {
  const missing = pathToFileURL(join(folder, 'not-yet.mjs')).href;
  const load = lazyImport<{ late: () => boolean }>(() => Promise.reject(new TypeError(`error loading dynamically imported module: ${missing}`)), 'late');
  await expect(load()).rejects.toThrow('error loading dynamically imported module');
  // The file is still missing: each afresh load fails too, each under a URL not tried before.
  await expect(load()).rejects.toThrow(/not-yet\.mjs\?load=1\b/);
  await expect(load()).rejects.toThrow(/not-yet\.mjs\?load=2\b/);
  writeFileSync(join(folder, 'not-yet.mjs'), 'export const late = () => true;\n');
  expect((await load()).late()).toBe(true);
});

it('a module a bundler picked out of a chunk is found among the chunk’s exports', async () => {
  const chunkUrl = pathToFileURL(join(folder, 'chunk.mjs')).href;
  // What the bundled code does: import the chunk, then take the module's exports out of it.
  const importer = () => Promise.reject<{ t: { answer: () => number } }>(chromiumFailure(chunkUrl)).then((chunk) => chunk.t);
  const load = lazyImport(importer, 'answer');
  await expect(load()).rejects.toThrow(chunkUrl);
  expect((await load()).answer()).toBe(7);
});

it('an answer in which the module is not found fails as the load did, and is not kept', async () => {
  const importer = vi.fn(() => Promise.reject(chromiumFailure()));
  const load = lazyImport<{ missing: () => true }>(importer, 'missing');
  await expect(load()).rejects.toThrow('Failed to fetch dynamically imported module');
  await expect(load()).rejects.toThrow('Failed to fetch dynamically imported module');
  await expect(load()).rejects.toThrow('Failed to fetch dynamically imported module');
  expect(importer).toHaveBeenCalledTimes(3);
});

it('a URL with a query of its own (a dev server’s version) gets the try’s after it; its fragment is dropped', async () => {
  const versioned = `${pathToFileURL(join(folder, 'not-there.mjs')).href}?v=abc123#frag`;
  const load = lazyImport(() => Promise.reject<{ answer: () => number }>(chromiumFailure(versioned)), 'answer');
  await expect(load()).rejects.toThrow(versioned);
  const error = await load().catch((thrown: unknown) => thrown);
  expect(String(error)).toMatch(/not-there\.mjs\?v=abc123&load=1\b/);
  expect(String(error)).not.toContain('#frag');
});

it('in a chunk, only an object is taken for the module: an empty export, or a class with a function of the same name, is not', async () => {
  const chunkUrl = pathToFileURL(join(folder, 'crowded.mjs')).href;
  const load = lazyImport(() => Promise.reject<{ answer: () => number }>(chromiumFailure(chunkUrl)), 'answer');
  await expect(load()).rejects.toThrow(chunkUrl);
  expect((await load()).answer()).toBe(7);
});
