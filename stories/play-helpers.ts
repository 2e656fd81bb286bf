/** What a user does, for the stories' play functions: drop, drag over, pick. */

export function fileOf(name: string, size = 2048, type = ''): File {
  return new File([new Uint8Array(size)], name, { type });
}

function transferOf(files: File[]): DataTransfer {
  const transfer = new DataTransfer();
  for (const file of files) transfer.items.add(file);
  return transfer;
}

function dropzone(root: HTMLElement): HTMLElement {
  return root.querySelector<HTMLElement>('.ghl-att-dropzone')!;
}

export function drop(root: HTMLElement, files: File[]): void {
  dropzone(root).dispatchEvent(new DragEvent('drop', { dataTransfer: transferOf(files), bubbles: true }));
}

export function dragOver(root: HTMLElement, files: File[]): void {
  dropzone(root).dispatchEvent(new DragEvent('dragenter', { dataTransfer: transferOf(files), bubbles: true }));
}

/** A real sample from /samples (e2e/fixtures), as a File the user picked. */
export async function sample(name: string, as = name): Promise<File> {
  const response = await fetch(`/samples/${name}`);
  return new File([await response.blob()], as, { type: response.headers.get('content-type') ?? '' });
}

/** A real JPEG photo made here: gradients under noise, so that it does not compress away. */
export async function noisyPhoto(name: string, width: number, height: number): Promise<File> {
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d')!;
  const gradient = context.createLinearGradient(0, 0, width, height);
  gradient.addColorStop(0, '#2b6cb0');
  gradient.addColorStop(1, '#f6ad55');
  context.fillStyle = gradient;
  context.fillRect(0, 0, width, height);
  const image = context.getImageData(0, 0, width, height);
  for (let index = 0; index < image.data.length; index += 4) {
    const noise = ((index * 2654435761) >>> 24) - 128;
    for (const channel of [0, 1, 2]) image.data[index + channel] = Math.max(0, Math.min(255, image.data[index + channel]! + noise / 3));
  }
  context.putImageData(image, 0, 0);
  return new File([await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.95 })], name, { type: 'image/jpeg' });
}

/**
 * A play function that marks the page once it has passed: e2e/storybook.spec.ts waits for the
 * mark, so a story whose checks fail (or throw) fails the suite. (Storybook's own `afterEach`
 * runs even after a failed play, so it cannot be the signal.)
 */
export function checked<C>(play?: (context: C) => void | Promise<void>) {
  return async (context: C) => {
    try {
      await play?.(context);
    } catch (error) {
      // Kept for the e2e suite's report: Storybook's error display does not always carry it.
      document.body.dataset.storyError = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
      throw error;
    }
    document.body.dataset.storyPassed = 'true';
  };
}

