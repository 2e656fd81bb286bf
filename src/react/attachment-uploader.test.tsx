import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { UploadedFile } from '../shared/wire.js';
import { fixture, pngOfSize } from '../testing/fixtures.js';
import { ownStack } from '../testing/own-stack.js';

import { AttachmentUploader } from './attachment-uploader.js';
import type { DoneUploadItem } from '../client/upload-item.js';

// A real BFF and mock, started in global-setup.ts outside happy-dom.
const { origin, uploadRequests: upstreamRequests } = await ownStack();

beforeAll(() => {
  // Same origin as the BFF, as in a real app: the widget posts to the relative /api/attachments.
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${origin}/`);
});

function fileOf(name: string, bytes: Uint8Array, type = ''): File {
  return new File([bytes as Uint8Array<ArrayBuffer>], name, { type });
}

function renderUploader(props: Partial<Parameters<typeof AttachmentUploader>[0]> = {}) {
  const onUploadSuccess = vi.fn<(file: UploadedFile, item: DoneUploadItem) => void>();
  const view = render(
    <QueryClientProvider client={new QueryClient()}>
      <AttachmentUploader conversationId="conv1" onUploadSuccess={onUploadSuccess} {...props} />
    </QueryClientProvider>,
  );
  const input = view.container.querySelector<HTMLInputElement>('input[type=file]')!;
  const dropzone = view.container.querySelector<HTMLElement>('.ghl-att-dropzone')!;
  return { ...view, input, dropzone, onUploadSuccess };
}

describe('<AttachmentUploader>', () => {
  it('says what it accepts, in plain words', () => {
    renderUploader();
    expect(screen.getByText('JPG, JPEG, PNG, MP4, MPEG, ZIP, RAR, PDF, DOC, DOCX, TXT, MP3, WAV · up to 5 MB each')).toBeVisible();
  });

  it('uploads a picked PNG through the real BFF and shows the image HighLevel stored, read through the BFF', async () => {
    const png = fixture('sample.png');
    const { input, onUploadSuccess } = renderUploader();
    await userEvent.upload(input, fileOf(png.name, png.bytes, 'image/png'));
    const image = await screen.findByRole('img', { name: 'sample.png' }, { timeout: 5000 });
    const uploaded = onUploadSuccess.mock.calls[0]![0];
    expect(uploaded).toMatchObject({ name: 'sample.png', kind: 'image', size: png.bytes.length });
    expect(uploaded.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/conversations-assets\/location\/mock-location\/conversations\/conv1\//);
    // The image comes from the BFF's signed link (previewFrom defaults to 'server')…
    expect(uploaded.previewUrl).toMatch(new RegExp(`^${origin}/api/attachments\\?preview=`));
    expect(image).toHaveAttribute('src', uploaded.previewUrl);
    expect(new Uint8Array(await (await fetch(uploaded.previewUrl!)).arrayBuffer())).toEqual(png.bytes);
    // …the links are HighLevel's URL, which is what goes into the message.
    expect(image.closest('a')).toHaveAttribute('href', uploaded.url);
    expect(screen.getByRole('link', { name: 'Open' })).toHaveAttribute('href', uploaded.url);
    expect(new Uint8Array(await (await fetch(uploaded.url)).arrayBuffer())).toEqual(png.bytes);
    expect(screen.getByText('Uploaded')).toBeVisible();
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('shows HighLevel’s URL itself with previewFrom="highlevel"', async () => {
    const png = fixture('sample.png');
    const { input, onUploadSuccess } = renderUploader({ previewFrom: 'highlevel' });
    await userEvent.upload(input, fileOf(png.name, png.bytes, 'image/png'));
    const image = await screen.findByRole('img', { name: 'sample.png' }, { timeout: 5000 });
    const uploaded = onUploadSuccess.mock.calls[0]![0];
    expect(uploaded.previewUrl).toBeTruthy();
    expect(image).toHaveAttribute('src', uploaded.url);
    expect(screen.getByRole('link', { name: 'Open' })).toHaveAttribute('href', uploaded.url);
  });

  it('shows a file card with an open link for a kind it cannot show inline', async () => {
    const doc = fixture('sample.docx');
    const { input } = renderUploader();
    await userEvent.upload(input, fileOf(doc.name, doc.bytes));
    const link = await screen.findByRole('link', { name: 'Open' }, { timeout: 5000 });
    expect(link.getAttribute('href')).toMatch(/\.docx$/);
    expect(screen.getByText('DOCX')).toBeVisible();
  });

  it('refuses dropped files that are not allowed, too large or empty, saying why, and sends nothing', async () => {
    const before = await upstreamRequests();
    // Shrinking off: this is about refusals (e2e/shrink.spec.ts has photos made to fit).
    const { dropzone } = renderUploader({ shrinkImages: false });
    const files = [fileOf('setup.exe', pngOfSize(10)), fileOf('huge.png', pngOfSize(5_242_881)), fileOf('empty.pdf', new Uint8Array())];
    fireEvent.drop(dropzone, { dataTransfer: { files, types: ['Files'], items: files.map((file) => ({ kind: 'file', type: file.type, getAsFile: () => file })) } });
    const refused = await screen.findByRole('list', { name: 'Not attached' });
    await waitFor(() => expect(within(refused).getAllByRole('listitem')).toHaveLength(3));
    expect(within(refused).getByText(/This type of file is not allowed\. Allowed: JPG/)).toBeVisible();
    expect(within(refused).getByText('The file is too large for HighLevel (5 MB max).')).toBeVisible();
    expect(within(refused).getByText('The file is empty.')).toBeVisible();
    await userEvent.click(within(refused).getByRole('button', { name: 'Dismiss setup.exe' }));
    expect(within(refused).getAllByRole('listitem')).toHaveLength(2);
    expect(await upstreamRequests()).toBe(before);
  });

  it('shows the server’s error in the user’s words, and retries', async () => {
    const { input, rerender } = renderUploader({ conversationId: 'unknown-conversation' });
    await userEvent.upload(input, fileOf('a.png', pngOfSize(50), 'image/png'));
    expect(await screen.findByText('HighLevel does not know this conversation.', {}, { timeout: 5000 })).toBeVisible();
    // The user fixes the conversation, then retries the same file.
    rerender(
      <QueryClientProvider client={new QueryClient()}>
        <AttachmentUploader conversationId="conv1" />
      </QueryClientProvider>,
    );
    await userEvent.click(screen.getByRole('button', { name: 'Retry a.png' }));
    expect(await screen.findByRole('img', { name: 'a.png' }, { timeout: 5000 })).toBeInTheDocument();
  });

  it('uploads at most `concurrency` files at once; a queued one can be cancelled and retried', async () => {
    const { input } = renderUploader({ concurrency: 1 });
    // The first is large enough to be still on its way when the list is read: the second waits.
    await userEvent.upload(input, [fileOf('one.png', pngOfSize(4_000_000)), fileOf('two.png', pngOfSize(2000))]);
    expect(screen.getByText('Waiting…')).toBeVisible();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel two.png' }));
    expect(await screen.findByText('Cancelled')).toBeVisible();
    await screen.findByRole('img', { name: 'one.png' }, { timeout: 5000 });
    expect(screen.queryByRole('img', { name: 'two.png' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Retry two.png' }));
    expect(await screen.findByRole('img', { name: 'two.png' }, { timeout: 5000 })).toBeInTheDocument();
  });

  it('works without a QueryClientProvider in the host app', async () => {
    const view = render(<AttachmentUploader conversationId="conv1" />);
    const input = view.container.querySelector<HTMLInputElement>('input[type=file]')!;
    await userEvent.upload(input, fileOf('solo.png', pngOfSize(100), 'image/png'));
    expect(await screen.findByRole('img', { name: 'solo.png' }, { timeout: 5000 })).toBeInTheDocument();
  });

  it('accepts nothing until a conversation is chosen', () => {
    const { dropzone } = renderUploader({ conversationId: '' });
    expect(dropzone).toHaveAttribute('aria-disabled', 'true');
    expect(screen.getByText('Choose a conversation to attach files to.')).toBeVisible();
  });
});
