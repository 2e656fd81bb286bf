/**
 * The uploader's rows and listeners with its upload client replaced, so that a test decides how
 * each upload ends: the room the list leaves, the controlled value kept while the host catches
 * up, the resume when the connection is back, a going-away that aborts, the stall default, and
 * a photo over the limit made to fit (the shrinker replaced too; the real one is tested in
 * Chromium, shrink-image.browser.test.ts).
 */
import { QueryClient, onlineManager } from '@tanstack/query-core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { uploadError } from '../shared/upload-error.js';
import type { UploadedFile } from '../shared/wire.js';
import type * as ShrinkModule from './shrink-image.js';
import { shrinkImage } from './shrink-image.js';
import type * as UploadFileModule from './upload-file.js';
import { uploadFile, type UploadFileOptions } from './upload-file.js';
import { Uploader } from './uploader.js';
import type { UploaderOptions } from './uploader-options.js';

vi.mock('./upload-file.js', async (importOriginal) => ({ ...(await importOriginal<typeof UploadFileModule>()), uploadFile: vi.fn() }));
vi.mock('./shrink-image.js', async (importOriginal) => ({ ...(await importOriginal<typeof ShrinkModule>()), shrinkImage: vi.fn() }));
const upload = vi.mocked(uploadFile);
const shrink = vi.mocked(shrinkImage);

const stored = (name: string): UploadedFile => ({ name, url: `https://storage.example/${name}`, mimeType: 'image/png', size: 10, kind: 'image' });
const png = (name: string, bytes = 10) => new File(['x'.repeat(bytes)], name, { type: 'image/png' });
const base = (): UploaderOptions => ({ conversationId: 'conv1', queryClient: new QueryClient() });
const names = (uploader: Uploader) => uploader.getState().items.map((item) => item.name);
const statusOf = (uploader: Uploader, name: string) => uploader.getState().items.find((item) => item.name === name)?.status;
/** Uploads that end as the test says, by file name: stored, or failed with `code`. */
function endings(failures: Record<string, 'network' | 'conversation-not-found'> = {}) {
  upload.mockImplementation(async (options: UploadFileOptions) => {
    const code = failures[options.file.name];
    if (code) throw uploadError(code);
    return stored(options.file.name);
  });
}

beforeEach(() => {
  upload.mockReset();
});
afterEach(() => {
  onlineManager.setOnline(true);
});

describe('the room the list leaves', () => {
  it('files past maxFiles are refused and get no row', async () => {
    upload.mockImplementation(() => new Promise(() => undefined));
    const uploader = new Uploader({ ...base(), maxFiles: 2 });
    uploader.addFiles([png('a.png'), png('b.png'), png('c.png')]);
    expect(names(uploader)).toEqual(['a.png', 'b.png']);
    expect(uploader.getState().rejections.map((rejection) => [rejection.name, rejection.code])).toEqual([['c.png', 'too-many-files']]);
  });

  it('a cancelled file leaves room for the next', async () => {
    upload.mockImplementation(() => new Promise(() => undefined));
    const uploader = new Uploader({ ...base(), maxFiles: 1, concurrency: 1 });
    uploader.addFiles([png('a.png')]);
    uploader.cancel(uploader.getState().items[0]!.id);
    await vi.waitFor(() => expect(statusOf(uploader, 'a.png')).toBe('cancelled'));
    uploader.addFiles([png('b.png')]);
    expect(uploader.getState().rejections).toEqual([]);
    expect(statusOf(uploader, 'b.png')).not.toBeUndefined();
  });
});

describe('controlled value', () => {
  it('the same value given again (a render before the host took the file) keeps the row just uploaded; a new value without it drops it', async () => {
    endings();
    const value: UploadedFile[] = [];
    const onChange = vi.fn();
    const uploader = new Uploader({ ...base(), value, onChange });
    uploader.addFiles([png('a.png')]);
    await vi.waitFor(() => expect(statusOf(uploader, 'a.png')).toBe('done'));
    uploader.setOptions({ ...base(), value, onChange });
    expect(names(uploader)).toEqual(['a.png']);
    uploader.addFiles([png('b.png')]);
    await vi.waitFor(() => expect(statusOf(uploader, 'b.png')).toBe('done'));
    // Offered with the file before it, which the host has not taken yet either.
    expect(onChange).toHaveBeenLastCalledWith([stored('a.png'), stored('b.png')]);
    uploader.setOptions({ ...base(), value: [], onChange });
    expect(names(uploader)).toEqual([]);
  });
});

describe('the state’s parts', () => {
  it('new rules with the same rows keep the same totals object; a changed file of value gets a new row', () => {
    const file = stored('a.png');
    const uploader = new Uploader({ ...base(), value: [file] });
    const before = uploader.getState();
    uploader.setOptions({ ...base(), value: [file], maxFiles: 3 });
    expect(uploader.getState().rules).not.toBe(before.rules);
    expect(uploader.getState().counts).toBe(before.counts);
    expect(uploader.getState().items).toBe(before.items);
    // The same URL, renamed: the row shows the new name.
    uploader.setOptions({ ...base(), value: [{ ...file, name: 'renamed.png' }], maxFiles: 3 });
    expect(names(uploader)).toEqual(['renamed.png']);
  });
});

describe('the resume when the connection is back', () => {
  it('only uploads that failed for the connection go again', async () => {
    endings({ 'lost.png': 'network', 'refused.png': 'conversation-not-found' });
    const uploader = new Uploader(base());
    uploader.subscribe(() => undefined);
    uploader.addFiles([png('lost.png'), png('refused.png')]);
    await vi.waitFor(() => expect([statusOf(uploader, 'lost.png'), statusOf(uploader, 'refused.png')]).toEqual(['error', 'error']));
    await new Promise((resolve) => setTimeout(resolve, 50)); // the online signal's code has loaded
    endings();
    onlineManager.setOnline(false);
    onlineManager.setOnline(true);
    await vi.waitFor(() => expect(statusOf(uploader, 'lost.png')).toBe('done'));
    expect(statusOf(uploader, 'refused.png')).toBe('error');
    expect(upload.mock.calls.map(([options]) => options.file.name).sort()).toEqual(['lost.png', 'lost.png', 'refused.png']);
  });

  it('none once every listener of several has left; leaving twice is harmless', async () => {
    endings({ 'lost.png': 'network' });
    const uploader = new Uploader(base());
    const leaves = [uploader.subscribe(() => undefined), uploader.subscribe(() => undefined)];
    uploader.addFiles([png('lost.png')]);
    await vi.waitFor(() => expect(statusOf(uploader, 'lost.png')).toBe('error'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const leave of leaves) leave();
    expect(() => leaves[0]!()).not.toThrow();
    endings();
    onlineManager.setOnline(false);
    onlineManager.setOnline(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(statusOf(uploader, 'lost.png')).toBe('error');
    expect(upload).toHaveBeenCalledTimes(1);
  });
});

describe('the browser’s own online event', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('resumes too, while someone listens, and not after', async () => {
    const page = new EventTarget();
    vi.stubGlobal('window', page);
    endings({ 'lost.png': 'network' });
    const uploader = new Uploader(base());
    const leave = uploader.subscribe(() => undefined);
    uploader.addFiles([png('lost.png')]);
    await vi.waitFor(() => expect(statusOf(uploader, 'lost.png')).toBe('error'));
    page.dispatchEvent(new Event('online'));
    await vi.waitFor(() => expect(upload).toHaveBeenCalledTimes(2));
    leave();
    uploader.retryFailed();
    await vi.waitFor(() => expect(upload).toHaveBeenCalledTimes(3));
    await vi.waitFor(() => expect(statusOf(uploader, 'lost.png')).toBe('error'));
    page.dispatchEvent(new Event('online'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(upload).toHaveBeenCalledTimes(3);
  });
});

describe('going away', () => {
  it('destroy() aborts the uploads running', async () => {
    const signals: AbortSignal[] = [];
    upload.mockImplementation((options) => {
      signals.push(options.signal!);
      return new Promise(() => undefined);
    });
    const uploader = new Uploader(base());
    uploader.addFiles([png('a.png'), png('b.png')]);
    await vi.waitFor(() => expect(signals).toHaveLength(2));
    expect(signals.some((signal) => signal.aborted)).toBe(false);
    uploader.destroy();
    expect(signals.every((signal) => signal.aborted)).toBe(true);
  });
});

describe('the stall default', () => {
  afterEach(() => vi.useRealTimers());

  it('an upload whose bytes never move is aborted as stalled after 30 s, not before', async () => {
    upload.mockImplementation((options) => new Promise((_, reject) => options.signal?.addEventListener('abort', () => reject(options.signal?.reason))));
    vi.useFakeTimers();
    const uploader = new Uploader(base());
    uploader.addFiles([png('a.png')]);
    await vi.waitFor(() => expect(upload).toHaveBeenCalledTimes(1));
    await vi.advanceTimersByTimeAsync(29_000);
    expect(statusOf(uploader, 'a.png')).toBe('uploading');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(uploader.getState().items[0]).toMatchObject({ status: 'error', error: { code: 'upload-stalled' } });
  });
});

describe('a photo over the limit', () => {
  beforeEach(() => {
    // What canShrink() looks for: a browser that decodes images.
    vi.stubGlobal('createImageBitmap', () => undefined);
    shrink.mockReset();
    shrink.mockImplementation(async (file) => ({ file: new File(['x'], file.name, { type: file.type }), shrunk: true }));
    endings();
  });
  afterEach(() => vi.unstubAllGlobals());

  it('is made to fit by default, to the size limit in force, and the smaller file is sent', async () => {
    const uploader = new Uploader({ ...base(), maxFileSize: 5, maxImageDimension: 800 });
    uploader.addFiles([png('big.png', 20)]);
    expect(uploader.getState().rejections).toEqual([]);
    await vi.waitFor(() => expect(statusOf(uploader, 'big.png')).toBe('done'));
    expect(shrink).toHaveBeenCalledTimes(1);
    expect(shrink.mock.calls[0]![1]).toMatchObject({ maxBytes: 5, maxDimension: 800 });
    expect(upload.mock.calls[0]![0].file.size).toBe(1);
  });

  it('only its size is forgiven: a photo of a type not allowed is refused as such', () => {
    const uploader = new Uploader({ ...base(), maxFileSize: 5, allowedTypes: ['PDF'] });
    uploader.addFiles([png('big.png', 20)]);
    expect(uploader.getState().rejections.map((rejection) => rejection.code)).toEqual(['file-type-not-allowed']);
  });

  it('is refused as too large with shrinkImages: false, and nothing is shrunk', () => {
    const uploader = new Uploader({ ...base(), maxFileSize: 5, shrinkImages: false });
    uploader.addFiles([png('big.png', 20)]);
    expect(uploader.getState().rejections.map((rejection) => rejection.code)).toEqual(['file-too-large']);
    expect(shrink).not.toHaveBeenCalled();
  });
});
