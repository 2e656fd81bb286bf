/** What {@link noisyPhoto} makes. */
export interface NoisyPhotoSpec {
  width?: number;
  height?: number;
  type?: 'image/jpeg' | 'image/png';
  /** A transparent band across the top (PNG). */
  transparent?: boolean;
}

/**
 * A real photo made in the browser (browser-mode tests): gradients under deterministic noise, so
 * that it does not compress away, encoded by the browser itself.
 */
export async function noisyPhoto(name: string, { width = 900, height = 600, type = 'image/jpeg', transparent = false }: NoisyPhotoSpec = {}): Promise<File> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d')!;
  const gradient = context.createLinearGradient(0, 0, width, height);
  gradient.addColorStop(0, '#1d4f91');
  gradient.addColorStop(1, '#e3b448');
  context.fillStyle = gradient;
  context.fillRect(0, 0, width, height);
  const image = context.getImageData(0, 0, width, height);
  let seed = 7;
  for (let index = 0; index < image.data.length; index += 4) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const offset = ((seed >> 8) % 81) - 40;
    image.data[index] = Math.max(0, Math.min(255, image.data[index]! + offset));
    image.data[index + 2] = Math.max(0, Math.min(255, image.data[index + 2]! - offset));
    if (transparent && index < width * 4 * 20) image.data[index + 3] = 0;
  }
  context.putImageData(image, 0, 0);
  const blob = await canvas.convertToBlob({ type, quality: 0.95 });
  return new File([blob], name, { type, lastModified: 1_700_000_000_000 });
}
