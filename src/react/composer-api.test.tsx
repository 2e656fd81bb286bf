/**
 * What a message composer needs of the 1.0 API, against the real BFF and mock: a `value` that
 * controls, `reset()`, state to enable Send by, one callback per file, refusals with their File,
 * allowed types by id, a wrong endpoint told apart, and messages overridden one by one.
 */
import { QueryClient, QueryClientProvider, useIsMutating } from '@tanstack/react-query';
import { act, render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { UploadError } from '../shared/upload-error.js';
import type { UploadedFile } from '../shared/wire.js';
import { fixture, pngOfSize } from '../testing/fixtures.js';
import { ownStack } from '../testing/own-stack.js';
import { AttachmentUploader } from './attachment-uploader.js';
import { GERMAN_MESSAGES } from './locales/de.js';
import { FRENCH_MESSAGES } from './locales/fr.js';
import { UPLOAD_MUTATION_KEY, type DoneUploadItem, type FailedUploadItem, type RejectedFile, type UploadItem } from '../client/upload-item.js';
import { useAttachmentUploader, type AttachmentUploaderState } from './use-attachment-uploader.js';

const { origin, failNext } = await ownStack();
beforeAll(() => {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${origin}/`);
});

const png = (name: string, size = 400) => new File([pngOfSize(size) as Uint8Array<ArrayBuffer>], name, { type: 'image/png' });
const input = (container: HTMLElement) => container.querySelector<HTMLInputElement>('input[type=file]')!;

describe('controlled means controlled', () => {
  function Composer({ onItems }: { onItems: (items: readonly UploadItem[]) => void }) {
    const [files, setFiles] = useState<UploadedFile[]>([]);
    return (
      <>
        <AttachmentUploader conversationId="conv1" value={files} onChange={setFiles} onItemsChange={onItems} />
        <button type="button" onClick={() => setFiles([])}>
          Send
        </button>
      </>
    );
  }

  it('renders done rows from value: setting it to [] (the message was sent) clears them, and onItemsChange reports []', async () => {
    const onItems = vi.fn<(items: readonly UploadItem[]) => void>();
    const { container } = render(<Composer onItems={onItems} />);
    await userEvent.upload(input(container), png('sent.png'));
    await screen.findByRole('img', { name: 'sent.png' }, { timeout: 5000 });
    await userEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(screen.queryByText('sent.png')).toBeNull());
    expect(onItems).toHaveBeenLastCalledWith([]);
    // Gone for good: a later change of the list does not bring it back.
    await userEvent.upload(input(container), png('next.png'));
    await screen.findByRole('img', { name: 'next.png' }, { timeout: 5000 });
    expect(screen.queryByText('sent.png')).toBeNull();
  });

  it('reports [] when the last row is removed by the user', async () => {
    const onItems = vi.fn<(items: readonly UploadItem[]) => void>();
    const { container } = render(<AttachmentUploader conversationId="conv1" onItemsChange={onItems} />);
    await userEvent.upload(input(container), png('only.png'));
    await screen.findByRole('img', { name: 'only.png' }, { timeout: 5000 });
    await userEvent.click(screen.getByRole('button', { name: 'Remove only.png' }));
    expect(onItems).toHaveBeenLastCalledWith([]);
  });
});

describe('a composer’s state', () => {
  let state: AttachmentUploaderState | undefined;
  function Headless({ onReject }: { onReject?: (rejections: readonly RejectedFile[]) => void }) {
    state = useAttachmentUploader({ conversationId: 'conv1', allowedTypes: ['PNG', 'PDF'], onReject });
    const mutating = useIsMutating({ mutationKey: UPLOAD_MUTATION_KEY });
    return (
      <div {...state.getRootProps()}>
        <input {...state.getInputProps()} />
        <output data-testid="mutating">{mutating}</output>
      </div>
    );
  }

  it('isUploading, counts and progress follow the uploads; reset() clears everything', async () => {
    const onChange = vi.fn();
    const client = new QueryClient();
    function WithReset() {
      state = useAttachmentUploader({ conversationId: 'conv1', onChange });
      return <input {...state.getInputProps()} />;
    }
    const { container } = render(
      <QueryClientProvider client={client}>
        <WithReset />
      </QueryClientProvider>,
    );
    expect(state).toMatchObject({ isUploading: false, progress: 1, counts: { done: 0, uploading: 0 } });
    await failNext({ kind: 'hang' });
    await userEvent.upload(input(container), [png('a.png', 50_000), png('b.png', 50_000)]);
    await waitFor(() => expect(state!.isUploading).toBe(true));
    expect(state!.progress).toBeLessThan(1);
    // The first hangs at HighLevel; the second finishes.
    await waitFor(() => expect(state!.counts.done).toBe(1), { timeout: 5000 });
    expect(state!.isUploading).toBe(true);
    // Sending or sent (happy-dom may not report upload progress): either way still in progress.
    expect(state!.counts.uploading + state!.counts.processing).toBe(1);
    act(() => state!.reset());
    expect(state!.items).toEqual([]);
    expect(state!.isUploading).toBe(false);
    expect(onChange).toHaveBeenLastCalledWith([]);
  });

  it('exports the mutation key: useIsMutating counts these uploads', async () => {
    await failNext({ kind: 'hang' });
    const { container, getByTestId } = render(
      <QueryClientProvider client={new QueryClient()}>
        <Headless />
      </QueryClientProvider>,
    );
    await userEvent.upload(input(container), png('hanging.png'));
    await waitFor(() => expect(getByTestId('mutating')).toHaveTextContent('1'));
    act(() => state!.reset());
    await waitFor(() => expect(getByTestId('mutating')).toHaveTextContent('0'));
  });

  it('refusals keep their File and come through onReject; allowed types are taken by id', async () => {
    const onReject = vi.fn<(rejections: readonly RejectedFile[]) => void>();
    const { container } = render(
      <QueryClientProvider client={new QueryClient()}>
        <Headless onReject={onReject} />
      </QueryClientProvider>,
    );
    const song = new File(['ID3'], 'song.mp3', { type: 'audio/mpeg' });
    await userEvent.upload(input(container), song, { applyAccept: false });
    expect(onReject).toHaveBeenCalledTimes(1);
    const [rejection] = onReject.mock.calls[0]![0];
    expect(rejection).toMatchObject({ name: 'song.mp3', code: 'file-type-not-allowed' });
    expect(rejection!.file).toBe(song);
    expect(state!.rejections[0]!.file).toBe(song);
  });
});

describe('one callback per file', () => {
  it('onUploadSuccess(file, item) once per stored file; onUploadError(error, item) with the row', async () => {
    const onUploadSuccess = vi.fn<(file: UploadedFile, item: DoneUploadItem) => void>();
    const onUploadError = vi.fn<(error: UploadError, item: FailedUploadItem) => void>();
    const { container, rerender } = render(
      <AttachmentUploader conversationId="conv1" onUploadSuccess={onUploadSuccess} onUploadError={onUploadError} />,
    );
    await userEvent.upload(input(container), [png('one.png'), png('two.png')]);
    await waitFor(() => expect(onUploadSuccess).toHaveBeenCalledTimes(2), { timeout: 5000 });
    const [file, item] = onUploadSuccess.mock.calls.find(([stored]) => stored.name === 'one.png')!;
    expect(item).toMatchObject({ status: 'done', name: 'one.png', result: file });
    rerender(<AttachmentUploader conversationId="unknown" onUploadSuccess={onUploadSuccess} onUploadError={onUploadError} />);
    await userEvent.upload(input(container), png('three.png'));
    await waitFor(() => expect(onUploadError).toHaveBeenCalledTimes(1), { timeout: 5000 });
    const [error, failed] = onUploadError.mock.calls[0]!;
    expect(error.code).toBe('conversation-not-found');
    expect(failed).toMatchObject({ status: 'error', name: 'three.png', error });
    expect(failed.file).toBeInstanceOf(File);
  });
});

describe('words', () => {
  it('one error string overridden, the others kept', async () => {
    const { container } = render(
      <AttachmentUploader conversationId="unknown" messages={{ errors: { 'conversation-not-found': 'Pick another conversation.' } }} />,
    );
    expect(screen.getByText('Drop files here to attach them')).toBeVisible();
    await userEvent.upload(input(container), png('x.png'));
    expect(await screen.findByText('Pick another conversation.', {}, { timeout: 5000 })).toBeVisible();
  });

  it('a wrong endpoint (a bare 404 from the host’s server) says so, not “malformed”', async () => {
    const { container } = render(<AttachmentUploader conversationId="conv1" endpoint={`${origin}/api/attachmnets`} />);
    await userEvent.upload(input(container), png('lost.png'));
    const said = await screen.findAllByText(/not found at this address/, {}, { timeout: 5000 });
    expect(said[0]).toBeVisible();
    expect(screen.queryByText(/malformed/)).toBeNull();
  });

  it('sizes, numbers and plurals follow the locale (French, German)', async () => {
    const { container, unmount } = render(<AttachmentUploader conversationId="conv1" messages={FRENCH_MESSAGES} maxFileSize={1_153_434} />);
    expect(screen.getByText(/· jusqu’à 1,1\sMo chacun$/)).toBeVisible();
    // Six refused at once are grouped by reason: "a.exe, b.exe et 4 autres".
    await userEvent.upload(input(container), ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => new File(['x'], `${name}.exe`)), { applyAccept: false });
    expect(screen.getByText('a.exe, b.exe et 4 autres')).toBeVisible();
    unmount();
    render(<AttachmentUploader conversationId="conv1" messages={GERMAN_MESSAGES} />);
    expect(screen.getByRole('button', { name: 'Dateien zum Anhängen auswählen' })).toBeVisible();
    expect(screen.getByText(/je bis zu 5\sMB$/)).toBeVisible();
  });

  it('describes the allowed types by id, extra types included', () => {
    render(<AttachmentUploader conversationId="conv1" allowedTypes={['PDF', 'HEIC']} />);
    expect(screen.getByText('PDF, HEIC · up to 5 MB each')).toBeVisible();
    expect(fixture('sample.heic').type.id).toBe('HEIC');
  });
});
