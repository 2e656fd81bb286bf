import { AxiosError, AxiosHeaders, CanceledError } from 'axios';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UploadError } from '../shared/upload-error.js';
import { MAX_SHRINK_INPUT, canShrink } from './can-shrink.js';
import { toUploadError } from './to-upload-error.js';

/**
 * The two small judgements the widget's store makes with the client's help: whether a photo that
 * is too large can be shrunk in this browser, and what a thrown value means to the user.
 */
describe('canShrink: which photos the widget offers to shrink rather than refuse', () => {
  afterEach(() => vi.unstubAllGlobals());
  const bitmaps = () => vi.stubGlobal('createImageBitmap', () => Promise.resolve({}));

  it('JPEG and PNG, by extension in any case, up to the decoding limit', () => {
    bitmaps();
    for (const name of ['a.jpg', 'b.JPEG', 'c.png', 'd.Jpg']) expect(canShrink({ name, size: 6_000_000 })).toBe(true);
    expect(canShrink({ name: 'edge.jpg', size: MAX_SHRINK_INPUT })).toBe(true);
    expect(canShrink({ name: 'huge.jpg', size: MAX_SHRINK_INPUT + 1 })).toBe(false);
    // 50 MB: a 100-megapixel photo, 400 MB once decoded; a tab should go no further.
    expect(MAX_SHRINK_INPUT).toBe(50 * 1024 * 1024);
  });

  it('not other types, nor a name that only contains .jpg', () => {
    bitmaps();
    for (const name of ['a.pdf', 'b.mp4', 'photo.jpg.pdf', 'c.jpgx', 'd.gif', 'jpg']) expect(canShrink({ name, size: 6_000_000 })).toBe(false);
  });

  it('not where the browser cannot decode images off the page (no createImageBitmap)', () => {
    vi.stubGlobal('createImageBitmap', undefined);
    expect(canShrink({ name: 'a.jpg', size: 6_000_000 })).toBe(false);
  });
});

describe('toUploadError: any failure as the product’s one error type', () => {
  const answered = (status: number, data: unknown, headers: Record<string, string> = {}) =>
    new AxiosError('Request failed', 'ERR_BAD_RESPONSE', undefined, undefined, {
      status,
      statusText: '',
      data,
      headers: new AxiosHeaders(headers),
      config: { headers: new AxiosHeaders() },
    });

  it('an UploadError passes through untouched', () => {
    const error = new UploadError('file-empty', 'Empty.');
    expect(toUploadError(error, 'x.txt')).toBe(error);
  });

  it('a cancel, by axios or by an AbortController, is cancelled', () => {
    expect(toUploadError(new CanceledError(), 'a.txt')).toMatchObject({ code: 'cancelled', fileName: 'a.txt' });
    expect(toUploadError(new DOMException('The user aborted a request.', 'AbortError'), 'a.txt')).toMatchObject({ code: 'cancelled' });
  });

  it('other DOMExceptions and errors named like an abort are failures, not cancels', () => {
    expect(toUploadError(new DOMException('offline', 'NetworkError'))).toMatchObject({ code: 'network' });
    expect(toUploadError(Object.assign(new Error('x'), { name: 'AbortError' }))).toMatchObject({ code: 'network' });
    expect(toUploadError({ __CANCEL__: 'yes' })).toMatchObject({ code: 'network' });
  });

  it('only an answer axios received is read as one; a look-alike object is a network failure', () => {
    expect(toUploadError(answered(413, { error: { code: 'file-too-large', message: 'Too big.' } }))).toMatchObject({ code: 'file-too-large', message: 'Too big.' });
    expect(toUploadError({ response: { status: 413, data: {}, headers: {} } })).toMatchObject({ code: 'network' });
    expect(toUploadError({ isAxiosError: true, response: { status: '413', data: {}, headers: {} } })).toMatchObject({ code: 'network' });
  });

  it('nothing at all thrown (null, undefined) is a network failure that keeps its cause', () => {
    for (const thrown of [null, undefined]) {
      const error = toUploadError(thrown, 'n.txt');
      expect(error).toMatchObject({ code: 'network', fileName: 'n.txt' });
      expect('cause' in error).toBe(true);
    }
    const lost = new AxiosError('Network Error', AxiosError.ERR_NETWORK);
    expect(toUploadError(lost).cause).toBe(lost);
  });

  it('an answer without a body, or a body that is not an object, goes by its status', () => {
    expect(toUploadError(answered(401, undefined))).toMatchObject({ code: 'unauthorized' });
    expect(toUploadError(answered(413, 'Payload Too Large'))).toMatchObject({ code: 'file-too-large' });
  });
});
