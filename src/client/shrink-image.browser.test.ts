import { afterEach, describe, expect, it, vi } from 'vitest';
import { noisyPhoto as photo } from '../testing/photos.js';
import { shrinkImage } from './shrink-image.js';

/**
 * shrinkImage in a real Chromium (Vitest's browser mode): real decoding, a real Web Worker, real
 * encoders. The e2e suite shows the same through the widget; these pin the function's contract.
 */

/** The pixel size of an encoded image, as the browser decodes it. */
async function dimensions(blob: Blob) {
  const bitmap = await createImageBitmap(blob);
  const size = { width: bitmap.width, height: bitmap.height };
  bitmap.close();
  return size;
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('shrinkImage', () => {
  it('makes a JPEG over the limit fit, in a worker, keeping its name and date', async () => {
    const file = await photo('IMG_0001.jpg');
    const maxBytes = Math.floor(file.size / 3);
    const result = (await shrinkImage(file, { maxBytes }))!;
    expect(result).toMatchObject({ shrunk: true, ranIn: 'worker' });
    expect(result.file.size).toBeLessThanOrEqual(maxBytes);
    expect(result.file).toMatchObject({ name: 'IMG_0001.jpg', type: 'image/jpeg', lastModified: file.lastModified });
    // What it reports is what it made.
    expect(await dimensions(result.file)).toEqual({ width: result.width, height: result.height });
    expect(result.quality).toBeGreaterThan(0);
    expect(result.quality).toBeLessThanOrEqual(1);
    expect(result.encodes).toBeGreaterThan(0);
  });

  it('returns the very file when it already fits', async () => {
    const file = await photo('small.jpg', { width: 40, height: 30 });
    expect(await shrinkImage(file, { maxBytes: file.size })).toEqual({ file, shrunk: false });
  });

  it('scales to the longest side asked for, even when the bytes already fit', async () => {
    const file = await photo('wide.jpg', { width: 800, height: 400 });
    const result = (await shrinkImage(file, { maxBytes: file.size * 2, maxDimension: 200 }))!;
    expect(result.shrunk).toBe(true);
    expect(await dimensions(result.file)).toEqual({ width: 200, height: 100 });
  });

  it('an opaque PNG is sent as a JPEG, renamed to say so', async () => {
    const renamed: [string, string][] = [
      ['scan.png', 'scan.jpg'],
      ['SCAN.PNG', 'SCAN.jpg'],
      ['scan.v2.png', 'scan.v2.jpg'],
      // Only a last .jpg counts as the JPEG's extension; a name with none gets one.
      ['photo.jpg.png', 'photo.jpg.jpg'],
      ['pasted', 'pasted.jpg'],
    ];
    for (const [name, sentAs] of renamed) {
      const file = await photo(name, { width: 400, height: 300, type: 'image/png' });
      const result = (await shrinkImage(file, { maxBytes: Math.floor(file.size / 4) }))!;
      expect(result.file).toMatchObject({ name: sentAs, type: 'image/jpeg' });
    }
  });

  it('a JPEG keeps its own extension, whatever its case', async () => {
    for (const name of ['a.JPG', 'b.jpeg', 'c.JPEG']) {
      const file = await photo(name, { width: 400, height: 300 });
      expect((await shrinkImage(file, { maxBytes: Math.floor(file.size / 2) }))!.file.name).toBe(name);
    }
  });

  it('a PNG with transparency stays a PNG under its own name', async () => {
    const file = await photo('logo.png', { width: 400, height: 300, type: 'image/png', transparent: true });
    const result = (await shrinkImage(file, { maxBytes: file.size - 1, maxDimension: 200 }))!;
    expect(result.file).toMatchObject({ name: 'logo.png', type: 'image/png' });
    expect(result.quality).toBeUndefined();
  });

  it('null for a file that is not an image, and for one that cannot be made small enough', async () => {
    const broken = new File([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3])], 'broken.jpg', { type: 'image/jpeg' });
    expect(await shrinkImage(broken, { maxBytes: 2 })).toBeNull();
    const file = await photo('big.jpg', { width: 300, height: 200 });
    expect(await shrinkImage(file, { maxBytes: 50 })).toBeNull();
  });

  it('rejects with AbortError when cancelled, before or during the work', async () => {
    const file = await photo('IMG_0002.jpg');
    await expect(shrinkImage(file, { maxBytes: 1000, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    const controller = new AbortController();
    const work = shrinkImage(file, { maxBytes: Math.floor(file.size / 3), signal: controller.signal });
    controller.abort();
    await expect(work).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('a cancel ends the worker: its blob URL is released', async () => {
    const revoked: string[] = [];
    const revoke = URL.revokeObjectURL.bind(URL);
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation((url) => {
      revoked.push(url);
      revoke(url);
    });
    const file = await photo('IMG_0003.jpg');
    const controller = new AbortController();
    const work = shrinkImage(file, { maxBytes: Math.floor(file.size / 3), signal: controller.signal });
    controller.abort();
    // At once, not when the worker would have finished.
    expect(revoked).toHaveLength(1);
    await work.catch(() => undefined);
    expect(revoked).toHaveLength(1);
    // And when it finishes: one URL per worker, every time.
    await shrinkImage(file, { maxBytes: Math.floor(file.size / 3) });
    expect(revoked).toHaveLength(2);
  });

  it('does the work on the page where there is no Worker or no OffscreenCanvas', async () => {
    const file = await photo('IMG_0004.jpg');
    for (const missing of ['Worker', 'OffscreenCanvas']) {
      vi.stubGlobal(missing, undefined);
      const result = (await shrinkImage(file, { maxBytes: Math.floor(file.size / 3) }))!;
      expect(result, `without ${missing}`).toMatchObject({ shrunk: true, ranIn: 'main-thread' });
      expect(result.file.size).toBeLessThanOrEqual(Math.floor(file.size / 3));
      vi.unstubAllGlobals();
    }
  });
});
