import type { Page } from '@playwright/test';

/** What {@link makePhoto} makes. */
export interface PhotoSpec {
  name: string;
  width: number;
  height: number;
  type: 'image/jpeg' | 'image/png';
  /** 0–255: how much per-pixel noise over the gradients; noise is what keeps the bytes up. */
  noise: number;
  /** A transparent band across the top (PNG). */
  transparent?: boolean;
  /** EXIF orientation (6: the camera was turned, the pixels are stored sideways) with a GPS block. */
  exifOrientation?: number;
}

/**
 * Makes a real photo in the page (a canvas of gradients and noise, encoded by the browser) and
 * keeps it as `window.__photos[name]`; resolves with its size in bytes. For a JPEG with
 * `exifOrientation`, an APP1 EXIF segment is spliced in after the start marker, holding the
 * orientation and a GPS block (latitude 48°51′N), as a phone writes them.
 */
export async function makePhoto(page: Page, spec: PhotoSpec): Promise<number> {
  return page.evaluate(async ({ name, width, height, type, noise, transparent, exifOrientation }) => {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d')!;
    const gradient = context.createLinearGradient(0, 0, width, height);
    gradient.addColorStop(0, '#1d4f91');
    gradient.addColorStop(0.5, '#e3b448');
    gradient.addColorStop(1, '#3a7d44');
    context.fillStyle = gradient;
    context.fillRect(0, 0, width, height);
    const image = context.getImageData(0, 0, width, height);
    const { data } = image;
    // A cheap deterministic generator: the same photo every run.
    let seed = 12345;
    for (let index = 0; index < data.length; index += 4) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      const offset = ((seed >> 8) % (noise * 2 + 1)) - noise;
      data[index] = Math.max(0, Math.min(255, data[index]! + offset));
      data[index + 1] = Math.max(0, Math.min(255, data[index + 1]! + ((offset * 7) % noise)));
      data[index + 2] = Math.max(0, Math.min(255, data[index + 2]! - offset));
      if (transparent && index < width * 4 * Math.floor(height / 8)) data[index + 3] = 0;
    }
    context.putImageData(image, 0, 0);
    let bytes = new Uint8Array(await (await canvas.convertToBlob({ type, quality: 0.95 })).arrayBuffer());
    if (exifOrientation) {
      // TIFF, big-endian: IFD0 { Orientation, GPS IFD pointer }, GPS IFD { LatitudeRef, Latitude }.
      const tiff = new DataView(new ArrayBuffer(8 + 2 + 2 * 12 + 4 + 2 + 2 * 12 + 4 + 24));
      let at = 0;
      const u16 = (value: number) => {
        tiff.setUint16(at, value);
        at += 2;
      };
      const u32 = (value: number) => {
        tiff.setUint32(at, value);
        at += 4;
      };
      // An entry: tag, type (3 SHORT, 4 LONG, 2 ASCII, 5 RATIONAL), count, value or offset.
      const entry = (tag: number, kind: number, count: number, value: number) => {
        u16(tag);
        u16(kind);
        u32(count);
        if (kind === 3 || kind === 2) {
          u16(value);
          u16(0);
        } else u32(value);
      };
      u16(0x4d4d);
      u16(42);
      u32(8);
      const gpsIfd = 8 + 2 + 2 * 12 + 4;
      const rationals = gpsIfd + 2 + 2 * 12 + 4;
      u16(2);
      entry(0x0112, 3, 1, exifOrientation);
      entry(0x8825, 4, 1, gpsIfd);
      u32(0);
      u16(2);
      entry(0x0001, 2, 2, 0x4e00); // "N"
      entry(0x0002, 5, 3, rationals);
      u32(0);
      for (const [numerator, denominator] of [[48, 1], [51, 1], [2952, 100]]) {
        u32(numerator!);
        u32(denominator!);
      }
      const header = new TextEncoder().encode('Exif\0\0');
      const length = 2 + header.length + tiff.byteLength;
      const segment = new Uint8Array(2 + length);
      segment.set([0xff, 0xe1, length >> 8, length & 0xff]);
      segment.set(header, 4);
      segment.set(new Uint8Array(tiff.buffer), 4 + header.length);
      const spliced = new Uint8Array(bytes.length + segment.length);
      spliced.set(bytes.subarray(0, 2));
      spliced.set(segment, 2);
      spliced.set(bytes.subarray(2), 2 + segment.length);
      bytes = spliced;
    }
    const file = new File([bytes], name, { type });
    const store = ((window as unknown as { __photos?: Record<string, File> }).__photos ??= {});
    store[name] = file;
    return file.size;
  }, spec);
}

/** Drops photos made by {@link makePhoto} on `selector`, as a user's drag and drop would. */
export async function dropPhotos(page: Page, selector: string, names: string[]): Promise<void> {
  const dataTransfer = await page.evaluateHandle((names) => {
    const photos = (window as unknown as { __photos: Record<string, File> }).__photos;
    const transfer = new DataTransfer();
    for (const name of names) transfer.items.add(photos[name]!);
    return transfer;
  }, names);
  for (const type of ['dragenter', 'dragover', 'drop']) await page.dispatchEvent(selector, type, { dataTransfer });
}

/** What a stored photo is: its bytes and how the browser decodes it. */
export interface StoredPhoto {
  size: number;
  type: string;
  width: number;
  height: number;
  /** The bytes hold metadata: a JPEG APP1 segment (EXIF, GPS, XMP) or a PNG eXIf chunk. */
  hasExif: boolean;
  /** Some pixel is not fully opaque. */
  hasTransparency: boolean;
}

/** Fetches `url` in the page (a `blob:` URL too) and decodes it there. */
export async function readStoredPhoto(page: Page, url: string): Promise<StoredPhoto> {
  return page.evaluate(async (url) => {
    const blob = await (await fetch(url)).blob();
    const bytes = new Uint8Array(await blob.arrayBuffer());
    // Metadata lives in the headers: a JPEG's APP1 segments (EXIF with its GPS block, XMP) before
    // the scan data, a PNG's eXIf chunk.
    let hasExif = false;
    if (bytes[0] === 0xff && bytes[1] === 0xd8) {
      for (let at = 2; at + 4 <= bytes.length && bytes[at] === 0xff && bytes[at + 1] !== 0xda; at += 2 + ((bytes[at + 2]! << 8) | bytes[at + 3]!)) {
        hasExif ||= bytes[at + 1] === 0xe1;
      }
    } else {
      const view = new DataView(bytes.buffer);
      for (let at = 8; at + 8 <= bytes.length; at += 12 + view.getUint32(at)) {
        hasExif ||= String.fromCharCode(...bytes.subarray(at + 4, at + 8)) === 'eXIf';
      }
    }
    const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext('2d')!;
    context.drawImage(bitmap, 0, 0);
    const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    let hasTransparency = false;
    for (let index = 3; index < data.length && !hasTransparency; index += 4) hasTransparency = data[index] !== 255;
    return {
      size: bytes.length,
      type: blob.type,
      width: bitmap.width,
      height: bitmap.height,
      hasExif,
      hasTransparency,
    };
  }, url);
}
