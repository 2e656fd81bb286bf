import { expect, it } from 'vitest';
import { noisyPhoto } from '../testing/photos.js';
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

  const file = await noisyPhoto('IMG_0005.jpg', { width: 600, height: 400 });
  const result = (await shrinkImage(file, { maxBytes: Math.floor(file.size / 3) }))!;
  expect(result).toMatchObject({ shrunk: true, ranIn: 'main-thread' });
  expect(result.file.size).toBeLessThanOrEqual(Math.floor(file.size / 3));
});
