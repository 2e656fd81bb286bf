/**
 * "A local preview while a file uploads": the chosen file itself, shown from a `blob:` URL while
 * its upload is in flight (HighLevel made to hang), for video and audio as for images, with the
 * real sample files; the object URL is revoked once the preview goes.
 */
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { fixture } from '../testing/fixtures.js';
import { ownStack } from '../testing/own-stack.js';
import { AttachmentUploader } from './attachment-uploader.js';

const { origin, failNext, uploadRequests: uploadsAtMock } = await ownStack();
beforeAll(() => {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${origin}/`);
});
afterEach(() => vi.restoreAllMocks());

const input = (container: HTMLElement) => container.querySelector<HTMLInputElement>('input[type=file]')!;

/** A real sample file, as the user picked it. */
function sampleFile(name: string): File {
  const sample = fixture(name);
  return new File([sample.bytes as Uint8Array<ArrayBuffer>], name, { type: sample.type.mimeTypes[0] });
}

/** The row of the file `name`. */
function rowOf(container: HTMLElement, name: string): HTMLElement {
  const row = [...container.querySelectorAll<HTMLElement>('.ghl-att-item')].find((item) => item.querySelector('.ghl-att-name')?.textContent === name);
  if (!row) throw new Error(`no row for ${name}`);
  return row;
}

describe.each([
  ['an image', 'sample.png', 'img'],
  ['a video', 'sample.mp4', 'video'],
  ['an audio file', 'sample.mp3', 'audio'],
] as const)('the local preview of %s', (_, name, tag) => {
  it(`shows the file itself (<${tag}> from a blob: URL) while it uploads, and revokes the URL when the preview goes`, async () => {
    const created = vi.spyOn(URL, 'createObjectURL');
    const revoked = vi.spyOn(URL, 'revokeObjectURL');
    // HighLevel takes the file and never answers: the upload stays in flight.
    await failNext({ kind: 'hang' });
    const before = await uploadsAtMock();
    const { container } = render(<AttachmentUploader conversationId="conv1" />);
    await userEvent.upload(input(container), sampleFile(name));
    const preview = await waitFor(() => {
      const element = rowOf(container, name).querySelector<HTMLElement>(tag);
      expect(element?.getAttribute('src')).toMatch(/^blob:/);
      return element!;
    });
    const row = rowOf(container, name);
    expect(['uploading', 'processing']).toContain(row.dataset.status);
    const url = preview.getAttribute('src')!;
    expect(revoked).not.toHaveBeenCalledWith(url);

    // Cancelled once HighLevel has it (and hangs): the preview goes, and so does its object URL.
    await waitFor(async () => expect(await uploadsAtMock()).toBeGreaterThan(before));
    expect(rowOf(container, name).querySelector(tag)?.getAttribute('src')).toBe(url);
    await userEvent.click(screen.getByRole('button', { name: `Cancel ${name}` }));
    await waitFor(() => expect(rowOf(container, name).dataset.status).toBe('cancelled'));
    expect(rowOf(container, name).querySelector(tag)).toBeNull();
    expect(revoked).toHaveBeenCalledWith(url);

    // Retried and uploaded: a local preview again while it goes, then the stored file, from the
    // server; every object URL made for this file has been revoked.
    await userEvent.click(screen.getByRole('button', { name: `Retry ${name}` }));
    await waitFor(() => expect(rowOf(container, name).dataset.status).toBe('done'), { timeout: 5000 });
    expect(rowOf(container, name).querySelector(`${tag}[src^="blob:"]`)).toBeNull();
    const made = created.mock.results.map((result) => result.value as string);
    expect(made.length).toBeGreaterThanOrEqual(2);
    expect(revoked.mock.calls.map(([revokedUrl]) => revokedUrl)).toEqual(expect.arrayContaining(made));
  });
});
