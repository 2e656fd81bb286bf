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

/**
 * A play function that marks the page once it has passed: e2e/storybook.spec.ts waits for the
 * mark, so a story whose checks fail (or throw) fails the suite. (Storybook's own `afterEach`
 * runs even after a failed play, so it cannot be the signal.)
 */
export function checked<C>(play?: (context: C) => void | Promise<void>) {
  return async (context: C) => {
    await play?.(context);
    document.body.dataset.storyPassed = 'true';
  };
}
