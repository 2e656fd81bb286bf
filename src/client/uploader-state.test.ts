/**
 * The uploader's state as a framework reads it (React's `useSyncExternalStore`, a Vue `shallowRef`):
 * the same object until something changes, rules that stay equal for equal options written
 * inline, news of the rows only when they change, the policy asked once per endpoint, and the
 * online listener held only while someone listens. In Node, against the real BFF and mock.
 */
import { QueryClient } from '@tanstack/query-core';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { UploadedFile } from '../shared/wire.js';
import { pngOfSize } from '../testing/fixtures.js';
import { startStack } from '../testing/start-stack.js';
import { settled } from '../testing/settled.js';
import type { UploadItem } from './upload-item.js';
import { Uploader } from './uploader.js';
import type { UploaderOptions } from './uploader-options.js';

const stack = await startStack({ mock: { conversations: ['conv1'], rateLimits: { max: 10_000 } }, bff: { allowedTypes: ['PDF', 'PNG'] } });
afterAll(() => stack.close());

const png = (name: string) => new File([pngOfSize(400) as Uint8Array<ArrayBuffer>], name, { type: 'image/png' });
const base = (): UploaderOptions => ({ conversationId: 'conv1', endpoint: stack.endpoint, queryClient: new QueryClient() });

describe('the same state until something changes', () => {
  it('equal options written anew (inline arrays) keep the same state and rules; a changed one makes new ones', () => {
    const options = base();
    const uploader = new Uploader({ ...options, allowedTypes: ['PDF', 'PNG'], maxFileSize: 1000 });
    const first = uploader.getState();
    expect(uploader.getState()).toBe(first);
    uploader.setOptions({ ...options, allowedTypes: ['PDF', 'PNG'], maxFileSize: 1000 });
    expect(uploader.getState()).toBe(first);

    uploader.setOptions({ ...options, allowedTypes: ['PDF'], maxFileSize: 1000 });
    const fewer = uploader.getState();
    expect(fewer).not.toBe(first);
    expect(fewer.rules.allowedTypes.map((type) => type.id)).toEqual(['PDF']);
    uploader.setOptions({ ...options, allowedTypes: ['PDF', 'JPG'], maxFileSize: 1000 });
    expect(uploader.getState().rules.allowedTypes.map((type) => type.id)).toEqual(['PDF', 'JPG']);
    uploader.setOptions({ ...options, allowedTypes: ['PDF', 'JPG'], maxFileSize: 2000 });
    expect(uploader.getState().rules.maxFileSize).toBe(2000);
    uploader.setOptions({ ...options, allowedTypes: ['PDF', 'JPG'], maxFileSize: 2000, maxFiles: 3 });
    expect(uploader.getState().rules.maxFiles).toBe(3);
    // No types of its own: the package's defaults, a change all the same.
    const typed = uploader.getState();
    uploader.setOptions({ ...options, maxFileSize: 2000, maxFiles: 3 });
    expect(uploader.getState()).not.toBe(typed);
    expect(uploader.getState().rules.allowedTypes.length).toBeGreaterThan(2);
  });

  it('a subscriber hears each change once, and the totals are those of the rows', async () => {
    const uploader = new Uploader(base());
    const states: unknown[] = [];
    const stop = uploader.subscribe(() => states.push(uploader.getState()));
    await vi.waitFor(() => expect(uploader.getState().policy).not.toBeUndefined());
    const heard = states.length;
    // Options equal to those it has: nothing to hear.
    const same = { ...base(), queryClient: undefined };
    uploader.setOptions(same);
    const settledOptions = states.length;
    uploader.setOptions({ ...same });
    uploader.setOptions({ ...same });
    expect(states).toHaveLength(settledOptions);
    uploader.addFiles([png('a.png')]);
    await settled(uploader);
    expect(states.length).toBeGreaterThan(settledOptions);
    expect(settledOptions).toBeGreaterThanOrEqual(heard);
    // Every state heard is a new object, none twice in a row.
    for (let i = 1; i < states.length; i += 1) expect(states[i]).not.toBe(states[i - 1]);
    expect(uploader.getState()).toMatchObject({ isUploading: false, progress: 1, counts: { done: 1 } });
    stop();
  });
});

describe('onItemsChange', () => {
  it('called when the rows change, an emptied list included; never for a change of rules alone, nor for an empty list that stays empty', async () => {
    const seen: (readonly UploadItem[])[] = [];
    const options = { ...base(), onItemsChange: (items: readonly UploadItem[]) => seen.push(items) };
    const uploader = new Uploader(options);
    const stop = uploader.subscribe(() => undefined);
    uploader.setOptions({ ...options, maxFileSize: 10_000 });
    expect(seen).toEqual([]);
    uploader.addFiles([png('a.png')]);
    await settled(uploader);
    const filled = seen.length;
    expect(filled).toBeGreaterThan(0);
    expect(seen.at(-1)!.map((item) => item.status)).toEqual(['done']);
    uploader.setOptions({ ...options, maxFileSize: 20_000 });
    expect(seen).toHaveLength(filled);
    uploader.clearFinished();
    expect(seen.at(-1)).toEqual([]);
    expect(seen).toHaveLength(filled + 1);
    uploader.setOptions({ ...options, maxFileSize: 30_000 });
    expect(seen).toHaveLength(filled + 1);
    stop();
  });
});

describe('the BFF’s policy', () => {
  it('asked once per endpoint and client, again when either changes; an answer for an endpoint left behind is dropped', async () => {
    const options = base();
    const uploader = new Uploader(options);
    const stop = uploader.subscribe(() => undefined);
    await vi.waitFor(() => expect(uploader.getState().policy?.allowedTypes.map((type) => type.id)).toEqual(['PDF', 'PNG']));
    expect(uploader.getState().rules.allowedTypes.map((type) => type.id)).toEqual(['PDF', 'PNG']);
    // The same endpoint and client: the policy stays, nothing is asked.
    const asked = options.queryClient!.getQueryCache().getAll().length;
    uploader.setOptions({ ...options, maxFiles: 4 });
    uploader.addFiles([]);
    expect(uploader.getState().policy).not.toBeUndefined();
    expect(options.queryClient!.getQueryCache().getAll()).toHaveLength(asked);

    // Another endpoint (one that answers no policy) and back before its answer: the first one's
    // word applies only once it is asked and answered again.
    uploader.setOptions({ ...options, endpoint: `${stack.origin}/nothing-here` });
    expect(uploader.getState().policy).toBeUndefined();
    await vi.waitFor(() => expect(uploader.getState().policy).toBeNull());
    expect(uploader.getState().rules.allowedTypes.length).toBeGreaterThan(2);
    // Back, with a new query client: asked again, through it.
    const client = new QueryClient();
    uploader.setOptions({ ...options, queryClient: client });
    await vi.waitFor(() => expect(uploader.getState().policy?.allowedTypes).toHaveLength(2));
    expect(client.getQueryCache().getAll()).toHaveLength(1);
    // The same endpoint, only the client new: asked through that one too.
    const another = new QueryClient();
    uploader.setOptions({ ...options, queryClient: another });
    expect(uploader.getState().policy).toBeUndefined();
    await vi.waitFor(() => expect(uploader.getState().policy?.allowedTypes).toHaveLength(2));
    expect(another.getQueryCache().getAll()).toHaveLength(1);
    stop();
  });
});

describe('options that make no sense are refused', () => {
  it('stallTimeoutMs: 0 (off) and the longest timer are taken; less, more or not a number are not', () => {
    expect(() => new Uploader({ ...base(), stallTimeoutMs: 0 })).not.toThrow();
    expect(() => new Uploader({ ...base(), stallTimeoutMs: 2_147_483_647 })).not.toThrow();
    for (const bad of [-1, 2_147_483_648, Number.POSITIVE_INFINITY, Number.NaN]) expect(() => new Uploader({ ...base(), stallTimeoutMs: bad }), String(bad)).toThrow(/stallTimeoutMs/);
  });
});

describe('controlled value', () => {
  it('the same value again changes nothing; a new one without a file drops it for good', async () => {
    const changes: UploadedFile[][] = [];
    const options: UploaderOptions = { ...base(), value: [], onChange: (files) => changes.push(files) };
    const uploader = new Uploader(options);
    uploader.addFiles([png('kept.png'), png('dropped.png')]);
    await settled(uploader);
    const value = changes.at(-1)!;
    uploader.setOptions({ ...options, value });
    const state = uploader.getState();
    uploader.setOptions({ ...options, value });
    expect(uploader.getState()).toBe(state);
    expect(state.items.map((item) => item.name).sort()).toEqual(['dropped.png', 'kept.png']);
    uploader.setOptions({ ...options, value: value.filter((file) => file.name === 'kept.png') });
    expect(uploader.getState().items.map((item) => item.name)).toEqual(['kept.png']);
    // Uncontrolled from here: the store's rows, the dropped one gone for good.
    uploader.setOptions({ ...options, value: undefined });
    expect(uploader.getState().items.map((item) => item.name)).toEqual(['kept.png']);
  });
});
