/**
 * What a page does to the uploader's list besides adding files — remove, dismiss, retry the
 * failed, clear the finished, reset — and its judgement of a drag before the drop; in Node,
 * against the real BFF and mock on loopback, with what the host's `onChange` hears.
 */
import { QueryClient } from '@tanstack/query-core';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { UploadedFile } from '../shared/wire.js';
import { pngOfSize } from '../testing/fixtures.js';
import { startStack } from '../testing/start-stack.js';
import { settled } from '../testing/settled.js';
import { Uploader } from './uploader.js';
import type { UploaderOptions } from './uploader-options.js';

const stack = await startStack({ mock: { conversations: ['conv1'], rateLimits: { max: 10_000 } } });
afterAll(() => stack.close());
afterEach(() => vi.unstubAllGlobals());

const png = (name: string, size = 400) => new File([pngOfSize(size) as Uint8Array<ArrayBuffer>], name, { type: 'image/png' });
const text = (name: string) => new File(['hello\n'], name, { type: 'text/plain' });

function make(options: Partial<UploaderOptions> = {}, endpoint = stack.endpoint) {
  const changes: UploadedFile[][] = [];
  const all: UploaderOptions = { queryClient: new QueryClient(), conversationId: 'conv1', endpoint, onChange: (files) => changes.push(files), ...options };
  const uploader = new Uploader(all);
  /** The same options, but for `over`. */
  const change = (over: Partial<UploaderOptions>) => uploader.setOptions({ ...all, ...over });
  const names = (status?: string) => uploader.getState().items.filter((item) => !status || item.status === status).map((item) => item.name);
  const idOf = (name: string) => uploader.getState().items.find((item) => item.name === name)!.id;
  const lastChange = () => changes.at(-1)?.map((file) => file.name);
  return { uploader, names, idOf, lastChange, changes, change };
}
/**
 * A stack of the test's own, whose first upload HighLevel never answers: the BFF keeps that
 * location's turn until its deadline (the file may be stored), which would hold up other tests.
 */
async function withHangingUpload(test: (endpoint: string) => Promise<void>) {
  const own = await startStack({ mock: { conversations: ['conv1'], rateLimits: { max: 10_000 } } });
  try {
    await own.mock.failNext({ kind: 'hang' });
    await test(own.endpoint);
  } finally {
    await own.close();
  }
}

describe('remove', () => {
  it('a done file leaves the rows and onChange’s list; the others stay in both', async () => {
    const { uploader, names, idOf, lastChange } = make();
    uploader.addFiles([png('keep.png'), png('drop.png')]);
    await settled(uploader);
    expect(lastChange()?.sort()).toEqual(['drop.png', 'keep.png']);
    uploader.remove(idOf('drop.png'));
    expect(names()).toEqual(['keep.png']);
    expect(lastChange()).toEqual(['keep.png']);
  });

  it('a file still uploading is cancelled and leaves; onChange hears nothing of it', () =>
    withHangingUpload(async (endpoint) => {
      const { uploader, names, idOf, changes } = make({}, endpoint);
      uploader.addFiles([png('slow.png')]);
      await vi.waitFor(() => expect(names('uploading')).toEqual(['slow.png']));
      uploader.remove(idOf('slow.png'));
      expect(names()).toEqual([]);
      expect(uploader.getState().isUploading).toBe(false);
      await new Promise((wait) => setTimeout(wait, 200));
      expect(changes).toEqual([]);
    }));

  it('an id not on the list changes nothing', async () => {
    const { uploader, names, changes } = make();
    uploader.addFiles([png('a.png')]);
    await settled(uploader);
    const before = changes.length;
    uploader.remove('no-such-row');
    expect(names()).toEqual(['a.png']);
    expect(changes).toHaveLength(before);
  });
});

describe('refusals, failures and finished rows', () => {
  it('dismiss takes the named refusals off, the others stay', () => {
    const { uploader } = make();
    uploader.addFiles([new File(['x'], 'a.exe'), new File(['x'], 'b.exe'), new File(['x'], 'c.exe')]);
    const [a, b, c] = uploader.getState().rejections;
    expect(uploader.getState().rejections.map((rejection) => rejection.code)).toEqual(['file-type-not-allowed', 'file-type-not-allowed', 'file-type-not-allowed']);
    uploader.dismiss(a!.id, c!.id);
    expect(uploader.getState().rejections.map((rejection) => rejection.name)).toEqual([b!.name]);
  });

  it('retryFailed(code) sends again only the files that failed with it; retryFailed() all of them', async () => {
    const { uploader, names, change } = make({ conversationId: 'unknown' });
    uploader.addFiles([png('lost.png'), png('also-lost.png')]);
    await settled(uploader);
    expect(names('error')).toHaveLength(2);
    change({ conversationId: 'conv1' });
    uploader.retryFailed('network');
    expect(names('error')).toHaveLength(2);
    uploader.retryFailed('conversation-not-found');
    await settled(uploader);
    expect(names('done').sort()).toEqual(['also-lost.png', 'lost.png']);

    change({ conversationId: 'unknown' });
    uploader.addFiles([png('third.png')]);
    await settled(uploader);
    change({ conversationId: 'conv1' });
    uploader.retryFailed();
    await settled(uploader);
    expect(names('done')).toHaveLength(3);
  });

  it('clearFinished takes done and cancelled rows off and keeps failed ones; onChange keeps the uploaded files', async () => {
    const { uploader, names, idOf, lastChange, change } = make();
    uploader.addFiles([png('done.png')]);
    await settled(uploader);
    change({ conversationId: 'unknown' });
    uploader.addFiles([png('fails.png')]);
    await settled(uploader);
    uploader.retry(idOf('fails.png'));
    uploader.cancel(idOf('fails.png'));
    uploader.addFiles([png('fails-too.png')]);
    await settled(uploader);
    expect(names('cancelled')).toEqual(['fails.png']);
    expect(names().sort()).toEqual(['done.png', 'fails-too.png', 'fails.png']);
    uploader.clearFinished();
    expect(names()).toEqual(['fails-too.png']);
    expect(lastChange()).toEqual(['done.png']);
  });

  it('reset clears rows and refusals, aborts what is going, and tells onChange the list is empty', () =>
    withHangingUpload(async (endpoint) => {
      const { uploader, names, lastChange } = make({}, endpoint);
      uploader.addFiles([png('hangs.png'), new File(['x'], 'refused.exe')]);
      await vi.waitFor(() => expect(names('uploading')).toEqual(['hangs.png']));
      uploader.reset();
      expect(uploader.getState().items).toEqual([]);
      expect(uploader.getState().rejections).toEqual([]);
      expect(uploader.getState().isUploading).toBe(false);
      expect(lastChange()).toEqual([]);
    }));
});

describe('a photo over the size limit', () => {
  it('is taken to be shrunk where the browser can, refused where it cannot or the host said not to', () => {
    const big = png('big.png', 3000);
    const over = { maxFileSize: 1000 };
    // Node has no createImageBitmap: nothing can be shrunk.
    const node = make(over);
    node.uploader.addFiles([big]);
    expect(node.uploader.getState().rejections.map((rejection) => rejection.code)).toEqual(['file-too-large']);

    vi.stubGlobal('createImageBitmap', () => Promise.reject(new Error('not decoded here')));
    const off = make({ ...over, shrinkImages: false });
    off.uploader.addFiles([big]);
    expect(off.uploader.getState().rejections.map((rejection) => rejection.code)).toEqual(['file-too-large']);

    const on = make(over);
    on.uploader.addFiles([big]);
    expect(on.uploader.getState().rejections).toEqual([]);
    expect(on.names()).toContain('big.png');
    on.uploader.destroy();
    // A file too large that is no photo is refused all the same.
    const notPhoto = make({ maxFileSize: 3 });
    notPhoto.uploader.addFiles([text('long.txt')]);
    expect(notPhoto.uploader.getState().rejections.map((rejection) => rejection.code)).toEqual(['file-too-large']);
  });
});

describe('a drag, before the drop', () => {
  const file = (type: string) => ({ kind: 'file', type });

  it('refused when a dragged file’s type is not allowed, or there are more files than room', () => {
    const { uploader } = make({ allowedTypes: ['PNG', 'PDF'], maxFiles: 2 });
    expect(uploader.refusesDrag([file('image/png')])).toBe(false);
    expect(uploader.refusesDrag([file('image/png'), file('application/pdf')])).toBe(false);
    expect(uploader.refusesDrag([file('image/png'), file('video/mp4')])).toBe(true);
    expect(uploader.refusesDrag([file('image/png'), file('image/png'), file('image/png')])).toBe(true);
  });

  it('a type the browser does not tell is judged at the drop; what is not a file is not counted', () => {
    const { uploader } = make({ allowedTypes: ['PNG'], maxFiles: 1 });
    expect(uploader.refusesDrag([file('')])).toBe(false);
    expect(uploader.refusesDrag([file('image/png'), { kind: 'string', type: 'text/uri-list' }, { kind: 'string', type: 'text/plain' }])).toBe(false);
    expect(uploader.refusesDrag([])).toBe(false);
  });

  it('room left is what counts: a row taken makes two files too many', async () => {
    const { uploader } = make({ maxFiles: 2 });
    uploader.addFiles([png('one.png')]);
    await settled(uploader);
    expect(uploader.refusesDrag([file('image/png')])).toBe(false);
    expect(uploader.refusesDrag([file('image/png'), file('image/png')])).toBe(true);
  });
});
