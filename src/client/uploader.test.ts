/**
 * The uploader without a framework, in Node against the real BFF and mock on loopback: options
 * that apply at once, the row limit, the controlled value, resuming when back online, and the
 * wait for HighLevel's answer, which is no stall (the stall itself: upload-store.test.ts, and in
 * Chromium plain-page.browser.test.ts).
 */
import { QueryClient, onlineManager } from '@tanstack/query-core';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { UploadedFile } from '../shared/wire.js';
import { pngOfSize } from '../testing/fixtures.js';
import { startStack } from '../testing/start-stack.js';
import { settled } from '../testing/settled.js';
import type { UploadItem } from './upload-item.js';
import { NUMBER_OPTION_RANGES, Uploader, optionFromText } from './uploader.js';
import type { UploaderOptions } from './uploader-options.js';

const stack = await startStack({ mock: { conversations: ['conv1'], rateLimits: { max: 10_000 } } });
afterAll(() => stack.close());
afterEach(() => onlineManager.setOnline(true));

const png = (name: string, size = 400) => new File([pngOfSize(size) as Uint8Array<ArrayBuffer>], name, { type: 'image/png' });
const base: UploaderOptions = { conversationId: 'conv1', endpoint: stack.endpoint };
const make = (options: Partial<UploaderOptions> = {}) => new Uploader({ queryClient: new QueryClient(), ...base, ...options });
const byName = (uploader: Uploader, name: string) => uploader.getState().items.find((item) => item.name === name);

describe('options', () => {
  it('files added right after it is made are uploaded: there is no "not configured yet"', async () => {
    const uploader = make();
    uploader.addFiles([png('first.png')]);
    await settled(uploader);
    expect(byName(uploader, 'first.png')?.status).toBe('done');
  });

  it('setOptions applies at once: the next upload goes to the new conversation, a raised concurrency starts waiting files', async () => {
    await stack.mock.failNext({ kind: 'hang' });
    const uploader = make({ concurrency: 1 });
    uploader.addFiles([png('hangs.png'), png('waits.png')]);
    await vi.waitFor(() => expect(stack.mock.stats.uploadRequests).toBeGreaterThan(0));
    expect(byName(uploader, 'waits.png')?.status).toBe('queued');
    uploader.setOptions({ ...base, concurrency: 2, conversationId: 'unknown' });
    expect(byName(uploader, 'waits.png')?.status).toBe('uploading');
    await vi.waitFor(() => expect(byName(uploader, 'waits.png')).toMatchObject({ status: 'error', error: { code: 'conversation-not-found' } }), {
      timeout: 10_000,
    });
    uploader.reset();
  });

  it('refuses a stall timeout no timer can hold, naming the option and its range', () => {
    expect(() => make({ stallTimeoutMs: 3e9 })).toThrow(/^Uploader: `stallTimeoutMs` must be a whole number from 0 to 2147483647 \(got 3000000000\)/);
    expect(() => make({ stallTimeoutMs: -1 })).toThrow(TypeError);
    expect(() => make().setOptions({ ...base, stallTimeoutMs: Number.NaN })).toThrow(/stallTimeoutMs/);
  });

  it('optionFromText (the element’s and the demo’s reading) takes whole numbers from each range’s start to its end, and nothing else', () => {
    for (const [name, [min, max]] of Object.entries(NUMBER_OPTION_RANGES)) {
      const option = name as keyof typeof NUMBER_OPTION_RANGES;
      expect([min, max].map((value) => optionFromText(option, String(value))), name).toEqual([min, max]);
      expect([min - 1, max + 1, min + 0.5].map((value) => optionFromText(option, String(value))), name).toEqual([undefined, undefined, undefined]);
      expect([null, '', '  ', 'ten'].map((text) => optionFromText(option, text)), name).toEqual([undefined, undefined, undefined, undefined]);
    }
  });

  it('refuses numbers that leave nothing to do or no room, and takes each range’s ends', () => {
    const ranges = { concurrency: [1, 100], maxFiles: [1, 10_000], maxFileSize: [1, Number.MAX_SAFE_INTEGER], maxImageDimension: [1, 65_535] } as const;
    for (const [name, [min, max]] of Object.entries(ranges)) {
      expect(() => make({ [name]: min }), `${name} ${min}`).not.toThrow();
      expect(() => make({ [name]: max }), `${name} ${max}`).not.toThrow();
      for (const bad of [min - 1, max + 1, 2.5, Number.NaN, '3']) {
        expect(() => make({ [name]: bad }), `${name} ${String(bad)}`).toThrow(new RegExp(`^Uploader: \`${name}\` must be a whole number from ${min} to ${max}`));
      }
    }
  });
});

describe('the list', () => {
  it('takes maxFiles rows; failed ones leave room, the rest are refused as too many', async () => {
    const uploader = make({ maxFiles: 2, conversationId: 'unknown' });
    uploader.addFiles([png('a.png'), png('b.png'), png('c.png')]);
    expect(uploader.getState().rejections.map((rejection) => [rejection.name, rejection.code])).toEqual([['c.png', 'too-many-files']]);
    await settled(uploader);
    // Both failed (an unknown conversation): they no longer count.
    expect(uploader.room()).toBe(2);
    expect(uploader.refusesDrag([{ kind: 'file', type: 'image/png' }])).toBe(false);
    expect(uploader.refusesDrag([{ kind: 'file', type: 'application/x-msdownload' }])).toBe(true);
    expect(uploader.refusesDrag([1, 2, 3].map(() => ({ kind: 'file', type: 'image/png' })))).toBe(true);
  });

  it('controlled: a file just uploaded keeps its row while the host’s value catches up a moment later', async () => {
    let value: readonly UploadedFile[] = [];
    const seen: (string | undefined)[] = [];
    const options = (): UploaderOptions => ({
      ...base,
      value,
      // A framework's state update lands after the uploader's: the host answers a moment later.
      onChange: (files) =>
        setTimeout(() => {
          value = files;
          uploader.setOptions(options());
        }, 50),
    });
    const uploader = make(options());
    uploader.subscribe(() => seen.push(byName(uploader, 'quick.png')?.status));
    uploader.addFiles([png('quick.png')]);
    await vi.waitFor(() => expect(value).toHaveLength(1), { timeout: 10_000 });
    const first = seen.findIndex((status) => status !== undefined);
    expect(seen.slice(first)).not.toContain(undefined);
    expect(seen.at(-1)).toBe('done');
  });

  it('controlled: the done rows are value’s files; onChange adds each upload; a value without one drops it for good', async () => {
    const earlier: UploadedFile = { name: 'earlier.pdf', url: `${stack.mock.url}/files/earlier.pdf`, mimeType: 'application/pdf', size: 10, kind: 'pdf' };
    const changes: UploadedFile[][] = [];
    const reported: (readonly UploadItem[])[] = [];
    let value: readonly UploadedFile[] = [earlier];
    const options = (): UploaderOptions => ({
      ...base,
      value,
      onChange: (files) => {
        changes.push(files);
        value = files;
        uploader.setOptions(options());
      },
      onItemsChange: (items) => reported.push(items),
    });
    const uploader = make(options());
    uploader.subscribe(() => undefined);
    expect(uploader.getState().items).toEqual([expect.objectContaining({ name: 'earlier.pdf', status: 'done', id: `v:${earlier.url}` })]);
    expect(reported).toHaveLength(1);
    uploader.addFiles([png('new.png')]);
    await settled(uploader);
    expect(changes.at(-1)).toEqual([earlier, expect.objectContaining({ name: 'new.png' })]);
    expect(uploader.getState().items.map((item) => item.name)).toEqual(['earlier.pdf', 'new.png']);
    // The same files again, as new objects (a value rebuilt on every render): the same rows.
    const rows = uploader.getState().items;
    uploader.setOptions({ ...options(), value: value.map((file) => ({ ...file })) });
    expect(uploader.getState().items).toBe(rows);
    // The message was sent.
    value = [];
    uploader.setOptions(options());
    expect(uploader.getState().items).toEqual([]);
    expect(reported.at(-1)).toEqual([]);
    uploader.addFiles([png('next.png')]);
    await settled(uploader);
    expect(uploader.getState().items.map((item) => item.name)).toEqual(['next.png']);
  });
});

describe('back online', () => {
  it('uploads that failed for a lost connection go again when TanStack Query’s onlineManager says the connection is back', async () => {
    // Nothing listens on port 9: the request fails the way a dropped connection does.
    const uploader = make({ endpoint: 'http://127.0.0.1:9/api/attachments' });
    const stop = uploader.subscribe(() => undefined);
    uploader.addFiles([png('offline.png')]);
    await vi.waitFor(() => expect(byName(uploader, 'offline.png')).toMatchObject({ status: 'error', error: { code: 'network' } }), { timeout: 10_000 });
    uploader.setOptions(base);
    onlineManager.setOnline(false);
    onlineManager.setOnline(true);
    await vi.waitFor(() => expect(byName(uploader, 'offline.png')?.status).toBe('done'), { timeout: 10_000 });
    stop();
  });

  it('a file added while TanStack Query thinks the browser is offline is tried, not paused at 0 %', async () => {
    // Offline, a mutation in TanStack Query's default network mode waits, saying nothing; the
    // user must see the lost connection (and get the file back once online).
    const uploader = make({ endpoint: 'http://127.0.0.1:9/api/attachments' });
    const stop = uploader.subscribe(() => undefined);
    onlineManager.setOnline(false);
    uploader.addFiles([png('picked-offline.png')]);
    await vi.waitFor(() => expect(byName(uploader, 'picked-offline.png')).toMatchObject({ status: 'error', error: { code: 'network' } }), {
      timeout: 10_000,
    });
    uploader.setOptions(base);
    onlineManager.setOnline(true);
    await vi.waitFor(() => expect(byName(uploader, 'picked-offline.png')?.status).toBe('done'), { timeout: 10_000 });
    stop();
  });

  it('an uploader no one listens to any more does not resume', async () => {
    const before = stack.mock.stats.uploadRequests;
    const uploader = make({ endpoint: 'http://127.0.0.1:9/api/attachments' });
    uploader.subscribe(() => undefined)();
    uploader.addFiles([png('gone.png')]);
    await vi.waitFor(() => expect(byName(uploader, 'gone.png')?.status).toBe('error'), { timeout: 10_000 });
    // A resume would now succeed: the BFF is reachable.
    uploader.setOptions(base);
    onlineManager.setOnline(false);
    onlineManager.setOnline(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(byName(uploader, 'gone.png')?.status).toBe('error');
    expect(stack.mock.stats.uploadRequests).toBe(before);
  });

  it('one listener of two leaving does not stop the resume; the last one leaving does', async () => {
    const uploader = make({ endpoint: 'http://127.0.0.1:9/api/attachments' });
    const first = uploader.subscribe(() => undefined);
    const second = uploader.subscribe(() => undefined);
    first();
    uploader.addFiles([png('stays.png')]);
    await vi.waitFor(() => expect(byName(uploader, 'stays.png')?.status).toBe('error'), { timeout: 10_000 });
    uploader.setOptions(base);
    onlineManager.setOnline(false);
    onlineManager.setOnline(true);
    await vi.waitFor(() => expect(byName(uploader, 'stays.png')?.status).toBe('done'), { timeout: 10_000 });
    second();
  });
});

describe('a stalled upload', () => {
  it('waiting for HighLevel once every byte is sent is not a stall', async () => {
    await stack.mock.failNext({ kind: 'hang' });
    const uploader = make({ stallTimeoutMs: 500 });
    uploader.addFiles([png('slow-answer.png')]);
    await vi.waitFor(() => expect(byName(uploader, 'slow-answer.png')?.status).toBe('processing'), { timeout: 10_000 });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(byName(uploader, 'slow-answer.png')?.status).toBe('processing');
    uploader.reset();
  });
});
