/**
 * Largest photo the widget tries to shrink, in bytes. Decoding takes 4 bytes a pixel: a 50 MB
 * JPEG can hold 100 megapixels, 400 MB of memory, which is as far as a browser tab should go.
 */
export const MAX_SHRINK_INPUT = 50 * 1024 * 1024;

/**
 * Whether this browser can shrink `file` before upload: a JPEG or PNG (by extension, as the
 * allow-list judges) no larger than {@link MAX_SHRINK_INPUT}, where `createImageBitmap` exists.
 * Light on purpose: the shrinking code itself loads only when a photo needs it.
 */
export function canShrink(file: { name: string; size: number }): boolean {
  return typeof createImageBitmap === 'function' && /\.(jpe?g|png)$/i.test(file.name) && file.size <= MAX_SHRINK_INPUT;
}
