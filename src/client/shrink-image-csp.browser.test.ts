import { expect, it } from 'vitest';
import { shrinkImage } from './shrink-image.js';

/**
 * A host page whose content security policy forbids `blob:` workers (its own file: the policy
 * cannot be lifted once set): the photo is still shrunk, on the page.
 */
it('shrinks on the page when the page’s policy forbids blob: workers', async () => {
  const policy = document.createElement('meta');
  policy.httpEquiv = 'Content-Security-Policy';
  policy.content = "worker-src 'none'";
  document.head.append(policy);

  const canvas = new OffscreenCanvas(600, 400);
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(600, 400);
  for (let index = 0; index < image.data.length; index += 1) image.data[index] = (index * 2654435761) % 251;
  context.putImageData(image, 0, 0);
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.95 });
  const file = new File([blob], 'IMG_0005.jpg', { type: 'image/jpeg' });

  const result = (await shrinkImage(file, { maxBytes: Math.floor(file.size / 3) }))!;
  expect(result).toMatchObject({ shrunk: true, ranIn: 'main-thread' });
  expect(result.file.size).toBeLessThanOrEqual(Math.floor(file.size / 3));
});
