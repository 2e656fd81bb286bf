// These two functions run in a Web Worker built from their source text (see shrink-image.ts), and
// on the main thread where there is no worker. So each is self-contained: no imports, no outer
// names, nothing a compiler would add a helper for. `fitImage` gets `searchEncoding` passed in.

/** What {@link searchEncoding} is asked for. */
export interface SearchPlan {
  /** The result must be at most this many bytes. */
  maxBytes: number;
  /** The longest side at scale 1, in pixels. */
  longSide: number;
  /** The scale to start from (below 1 when `maxDimension` asks for it). */
  startScale: number;
  /** JPEG (a quality to search) or PNG (lossless: only the scale can change). */
  lossy: boolean;
}

/** The encoding that fits, with how it was reached. */
export interface SearchResult {
  blob: Blob;
  scale: number;
  quality?: number;
  /** Encodes tried, the found one included. */
  encodes: number;
}

/**
 * Finds the best encoding under `maxBytes`: the full size at the best JPEG quality that fits;
 * when even the quality floor does not fit, a smaller size (estimated from the bytes, which go
 * with the pixel count) and again the best quality there. A PNG keeps its pixels exact and
 * only shrinks. Null when nothing fits above 16 pixels.
 */
export async function searchEncoding(
  encode: (scale: number, quality?: number) => Promise<Blob>,
  plan: SearchPlan,
): Promise<SearchResult | null> {
  // JPEG qualities searched: above the top, bytes grow with no visible gain; below the floor,
  // artefacts show, and fewer pixels at a better quality look better than more at a worse one.
  const QUALITY_TOP = 0.92;
  const QUALITY_FLOOR = 0.75;
  let scale = plan.startScale;
  let encodes = 0;
  const tryAt = (quality?: number) => {
    encodes += 1;
    return encode(scale, quality);
  };
  // A smaller scale where `blob` would fit, with margin for the estimate; at least 10 % smaller.
  const smaller = (blob: Blob) => scale * Math.min(0.9, Math.sqrt(plan.maxBytes / blob.size) * 0.95);
  while (scale * plan.longSide >= 16 && encodes < 24) {
    if (!plan.lossy) {
      const blob = await tryAt();
      if (blob.size <= plan.maxBytes) return { blob, scale, encodes };
      scale = smaller(blob);
      continue;
    }
    const top = await tryAt(QUALITY_TOP);
    if (top.size <= plan.maxBytes) return { blob: top, scale, quality: QUALITY_TOP, encodes };
    const floor = await tryAt(QUALITY_FLOOR);
    if (floor.size > plan.maxBytes) {
      scale = smaller(floor);
      continue;
    }
    // Bisect between a quality that fits and one that does not: four steps find it within 0.01.
    let best = floor;
    let low = QUALITY_FLOOR;
    let high = QUALITY_TOP;
    for (let step = 0; step < 4; step += 1) {
      const quality = (low + high) / 2;
      const blob = await tryAt(quality);
      if (blob.size <= plan.maxBytes) {
        best = blob;
        low = quality;
      } else high = quality;
    }
    return { blob: best, scale, quality: low, encodes };
  }
  return null;
}

/** What {@link fitImage} is asked: one image, and the limits it must fit. */
export interface FitRequest {
  blob: Blob;
  maxBytes: number;
  /** Longest side allowed, in pixels. Default: no limit. */
  maxDimension?: number;
}

/** The image that fits (or `unchanged`: it already did), or why there is none. */
export type FitResult =
  | { ok: true; unchanged: true }
  | { ok: true; unchanged?: false; blob: Blob; width: number; height: number; quality?: number; encodes: number }
  | { ok: false; reason: 'unreadable' | 'cannot-fit' };

/**
 * Decodes the image upright (its EXIF orientation applied), then re-encodes it to fit: JPEG,
 * unless it has transparent pixels (a PNG with any stays PNG). Re-encoding from pixels carries no
 * metadata over: EXIF, GPS location, camera data are all gone from the result.
 */
export async function fitImage(request: FitRequest, search: typeof searchEncoding): Promise<FitResult> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(request.blob, { imageOrientation: 'from-image' });
  } catch {
    return { ok: false, reason: 'unreadable' };
  }
  try {
    const { width, height } = bitmap;
    const longSide = Math.max(width, height);
    const startScale = request.maxDimension ? Math.min(1, request.maxDimension / longSide) : 1;
    if (startScale === 1 && request.blob.size <= request.maxBytes) return { ok: true, unchanged: true };
    const canvasOf = (w: number, h: number): OffscreenCanvas | HTMLCanvasElement => {
      if (typeof OffscreenCanvas === 'function') return new OffscreenCanvas(w, h);
      const canvas = document.createElement('canvas');
      canvas.width = w;
      canvas.height = h;
      return canvas;
    };
    const context = (canvas: OffscreenCanvas | HTMLCanvasElement, willReadFrequently = false) =>
      canvas.getContext('2d', { willReadFrequently }) as OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

    // Transparency decides the format. Read in strips: a whole 12-megapixel frame is 48 MB more.
    let transparent = false;
    if (request.blob.type !== 'image/jpeg') {
      const strip = 256;
      const probe = canvasOf(width, Math.min(strip, height));
      const probeContext = context(probe, true);
      for (let top = 0; top < height && !transparent; top += strip) {
        probeContext.clearRect(0, 0, width, strip);
        probeContext.drawImage(bitmap, 0, -top);
        const { data } = probeContext.getImageData(0, 0, width, Math.min(strip, height - top));
        for (let index = 3; index < data.length; index += 4) {
          if (data[index] !== 255) {
            transparent = true;
            break;
          }
        }
      }
    }
    const type = transparent ? 'image/png' : 'image/jpeg';

    let drawn: { scale: number; canvas: OffscreenCanvas | HTMLCanvasElement } | undefined;
    const encode = async (scale: number, quality?: number): Promise<Blob> => {
      if (drawn?.scale !== scale) {
        const canvas = canvasOf(Math.max(1, Math.round(width * scale)), Math.max(1, Math.round(height * scale)));
        const target = context(canvas);
        target.imageSmoothingEnabled = true;
        target.imageSmoothingQuality = 'high';
        // A JPEG has no transparency: whatever was see-through becomes white, not black.
        if (!transparent) {
          target.fillStyle = '#fff';
          target.fillRect(0, 0, canvas.width, canvas.height);
        }
        target.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        drawn = { scale, canvas };
      }
      const { canvas } = drawn;
      if ('convertToBlob' in canvas) return canvas.convertToBlob({ type, quality });
      // The main-thread fallback: let the page breathe between encodes.
      await new Promise((resolve) => setTimeout(resolve, 0));
      return new Promise((resolve, reject) =>
        canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('encoding failed'))), type, quality),
      );
    };
    const found = await search(encode, { maxBytes: request.maxBytes, longSide, startScale, lossy: !transparent });
    if (!found) return { ok: false, reason: 'cannot-fit' };
    return {
      ok: true,
      blob: found.blob,
      width: Math.max(1, Math.round(width * found.scale)),
      height: Math.max(1, Math.round(height * found.scale)),
      quality: found.quality,
      encodes: found.encodes,
    };
  } finally {
    bitmap.close();
  }
}
