/**
 * The element's events, each named after its prop, against the real BFF and mock: what a page
 * that is not React hears, in the element's locale.
 */
import { waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { pngOfSize } from '../testing/fixtures.js';
import { ownStack } from '../testing/own-stack.js';
import { defineGhlAttachments, type GhlAttachmentsEventDetails } from './index.js';

const { origin } = await ownStack();
beforeAll(() => {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${origin}/`);
  defineGhlAttachments();
});

const png = (name: string) => new File([pngOfSize(400) as Uint8Array<ArrayBuffer>], name, { type: 'image/png' });

/** An element on the page, and every event it fired, by name, as the page's listeners get them. */
function mount(attributes: Record<string, string>) {
  const element = document.createElement('ghl-attachments');
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  const heard: { [K in keyof GhlAttachmentsEventDetails]?: GhlAttachmentsEventDetails[K][] } = {};
  for (const name of ['ghl-upload-success', 'ghl-upload-error', 'ghl-reject', 'ghl-change', 'ghl-items-change'] as const) {
    // Listening on the document: the events bubble out of the shadow root.
    document.addEventListener(name, (event) => {
      if (event.target === element) (heard[name] ??= [] as never[]).push(event.detail as never);
    });
  }
  document.body.append(element);
  const input = () => element.shadowRoot!.querySelector<HTMLInputElement>('input[type=file]')!;
  return { element, heard, input };
}

describe('<ghl-attachments> events', () => {
  it('ghl-upload-success and ghl-change for a stored file; ghl-items-change for every row change', async () => {
    const { element, heard, input } = mount({ 'conversation-id': 'conv1' });
    await waitFor(() => expect(input()).toBeTruthy());
    await userEvent.upload(input(), png('stored.png'));
    await waitFor(() => expect(heard['ghl-upload-success']).toHaveLength(1), { timeout: 5000 });
    const { file } = heard['ghl-upload-success']![0]!;
    expect(file).toMatchObject({ name: 'stored.png', kind: 'image' });
    expect(heard['ghl-change']!.at(-1)).toEqual({ files: [file] });
    expect(heard['ghl-items-change']!.at(-1)!.items).toEqual([expect.objectContaining({ name: 'stored.png', status: 'done', url: file.url })]);
    // Removing the row: the list of uploaded files is empty again, and so are the rows.
    const remove = [...element.shadowRoot!.querySelectorAll('button')].find((button) => button.textContent === 'Remove')!;
    await userEvent.click(remove);
    await waitFor(() => expect(heard['ghl-change']!.at(-1)).toEqual({ files: [] }));
    expect(heard['ghl-items-change']!.at(-1)).toEqual({ items: [] });
    element.remove();
  });

  it('ghl-upload-error and ghl-reject say why in the element’s locale', async () => {
    const { element, heard, input } = mount({ 'conversation-id': 'unknown', locale: 'fr', 'allowed-types': 'PNG' });
    await waitFor(() => expect(input()).toBeTruthy());
    await userEvent.upload(input(), [png('a.png'), new File(['x'], 'notes.txt', { type: 'text/plain' })], { applyAccept: false });
    expect(heard['ghl-reject']).toEqual([
      { rejections: [{ name: 'notes.txt', size: 1, code: 'file-type-not-allowed', message: expect.stringMatching(/^Ce type de fichier.*PNG/) }] },
    ]);
    await waitFor(() => expect(heard['ghl-upload-error']).toHaveLength(1), { timeout: 5000 });
    expect(heard['ghl-upload-error']![0]).toEqual({
      code: 'conversation-not-found',
      message: 'HighLevel ne connaît pas cette conversation.',
      fileName: 'a.png',
    });
    element.remove();
  });
});
