import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { fitImage, searchEncoding, type SearchPlan } from './fit-image.js';

/**
 * An encoder with a JPEG's shape: bytes go with the pixel count and climb steeply with quality.
 * Deterministic, so the search's choices can be checked exactly.
 */
function modelEncoder(megapixels: number, bytesPerPixelAtTop: number) {
  const calls: { scale: number; quality?: number }[] = [];
  const bytes = (scale: number, quality = 1) => Math.round(megapixels * 1e6 * scale * scale * bytesPerPixelAtTop * quality ** 3);
  const encode = (scale: number, quality?: number) => {
    calls.push({ scale, quality });
    return Promise.resolve(new Blob([new Uint8Array(bytes(scale, quality === undefined ? 1 : quality / 0.92))]));
  };
  return { encode, calls, bytes };
}

const plan = (overrides: Partial<SearchPlan>): SearchPlan => ({ maxBytes: 5_242_880, longSide: 4000, startScale: 1, lossy: true, ...overrides });

describe('searchEncoding', () => {
  it('keeps full size and the top quality when that fits: one encode', async () => {
    const { encode, calls } = modelEncoder(12, 0.4);
    const found = await searchEncoding(encode, plan({}));
    expect(found).toMatchObject({ scale: 1, quality: 0.92, encodes: 1 });
    expect(calls).toHaveLength(1);
  });

  it('finds the best quality under the limit at full size, not a fixed one', async () => {
    const { encode, bytes } = modelEncoder(12, 0.6); // 7.2 MB at the top quality
    const found = (await searchEncoding(encode, plan({})))!;
    expect(found.scale).toBe(1);
    expect(found.blob.size).toBeLessThanOrEqual(5_242_880);
    expect(found.quality).toBeGreaterThan(0.75);
    expect(found.quality).toBeLessThan(0.92);
    // Within the bisection's last step (0.01) of the quality that just fits.
    expect(bytes(1, (found.quality! + 0.011) / 0.92)).toBeGreaterThan(5_242_880);
    expect(found.encodes).toBe(6);
  });

  it('scales down when even the quality floor is too big, then takes the best quality there', async () => {
    const { encode, calls } = modelEncoder(12, 2); // 24 MB at the top
    const found = (await searchEncoding(encode, plan({})))!;
    expect(found.scale).toBeLessThan(1);
    expect(found.scale).toBeGreaterThan(0.5);
    expect(found.blob.size).toBeLessThanOrEqual(5_242_880);
    expect(found.quality).toBeGreaterThanOrEqual(0.75);
    expect(calls[0]).toEqual({ scale: 1, quality: 0.92 });
    expect(calls[1]).toEqual({ scale: 1, quality: 0.75 });
    expect(found.encodes).toBeLessThanOrEqual(10);
  });

  it('starts from maxDimension’s scale', async () => {
    const { encode, calls } = modelEncoder(12, 0.1);
    const found = (await searchEncoding(encode, plan({ startScale: 0.5 })))!;
    expect(found.scale).toBe(0.5);
    expect(calls[0]!.scale).toBe(0.5);
  });

  it('only scales a lossless image (PNG), never asking for a quality', async () => {
    const { encode, calls } = modelEncoder(6, 3);
    const found = (await searchEncoding(encode, plan({ lossy: false })))!;
    expect(found.quality).toBeUndefined();
    expect(found.blob.size).toBeLessThanOrEqual(5_242_880);
    expect(calls.every((call) => call.quality === undefined)).toBe(true);
    expect(found.scale).toBeLessThan(0.6);
  });

  it('gives up when nothing above 16 pixels fits', async () => {
    const { encode } = modelEncoder(12, 1);
    expect(await searchEncoding(encode, plan({ maxBytes: 10 }))).toBeNull();
  });
});

describe('the worker’s functions', () => {
  // They run from their source text in a worker: any name from outside would be a ReferenceError
  // there (it was once, after minification). Here they run in a context holding only what a
  // worker has.
  it('are self-contained: searchEncoding runs from its source alone', async () => {
    const { encode } = modelEncoder(12, 0.6);
    const isolated = runInNewContext(`(${searchEncoding.toString()})`, { Math, Promise }) as typeof searchEncoding;
    const found = await isolated(encode, plan({}));
    expect(found).toMatchObject({ scale: 1, encodes: 6 });
  });

  it('are self-contained: fitImage reports an unreadable image from its source alone', async () => {
    const isolated = runInNewContext(`(${fitImage.toString()})`, {
      Math,
      Promise,
      createImageBitmap: () => Promise.reject(new Error('not an image')),
    }) as typeof fitImage;
    expect(await isolated({ blob: new Blob(['nope']), maxBytes: 10 }, searchEncoding)).toEqual({ ok: false, reason: 'unreadable' });
  });
});
