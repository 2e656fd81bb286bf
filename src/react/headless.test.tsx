/**
 * The hook alone is enough for a UI of one's own (docs/widget.md, "The hook"): a button
 * that opens the picker, react-dropzone's root and input from the prop getters, and a list of
 * `items` with cancel and retry, driven against the real BFF and mock. No <AttachmentUploader>.
 */
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useEffect } from 'react';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, pngOfSize } from '../testing/fixtures.js';
import { MyUploader } from '../testing/my-uploader.js';
import { useAttachmentUploader } from './index.js';
import { ownStack } from '../testing/own-stack.js';

const { origin, failNext, uploadRequests: uploadsAtMock } = await ownStack();
beforeAll(() => {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${origin}/`);
});

const png = (name: string, size = 400) => new File([pngOfSize(size) as Uint8Array<ArrayBuffer>], name, { type: 'image/png' });
const pdf = (name: string) => new File([fixture('sample.pdf').bytes as Uint8Array<ArrayBuffer>], name, { type: 'application/pdf' });

/** The row of `name` in the list of uploads. */
const row = (name: string) => within(screen.getByRole('list', { name: 'Uploads' })).getByRole('listitem', { name });

/** Waits until `name` is stored, and gives the URL its link points at. */
async function stored(name: string): Promise<string> {
  const link = await screen.findByRole('link', { name: `Open ${name}` }, { timeout: 5000 });
  expect(row(name)).toHaveTextContent(`${name}: done`);
  return link.getAttribute('href')!;
}

describe('a UI of its own, from useAttachmentUploader alone', () => {
  it('the button opens the picker (open), and a picked file is uploaded to a URL', async () => {
    render(<MyUploader conversationId="conv1" />);
    const picker = screen.getByTestId<HTMLInputElement>('my-picker');
    let pickerOpened = 0;
    picker.addEventListener('click', () => (pickerOpened += 1));
    await userEvent.click(screen.getByRole('button', { name: 'Add files' }));
    expect(pickerOpened).toBe(1);
    // The user picks a file in the dialog the click opened.
    await userEvent.upload(picker, png('picked.png'));
    const url = await stored('picked.png');
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\S+/);
  });

  it('takes files dropped on the root: each allowed one uploaded, a refused one listed with its reason', async () => {
    render(<MyUploader conversationId="conv1" />);
    const files = [png('dropped.png'), pdf('dropped.pdf'), new File(['MZ'], 'setup.exe', { type: 'application/x-msdownload' })];
    const items = files.map((file) => ({ kind: 'file', type: file.type, getAsFile: () => file }));
    fireEvent.drop(screen.getByTestId('my-dropzone'), { dataTransfer: { files, items, types: ['Files'] } });
    const refused = await screen.findByRole('list', { name: 'Refused' });
    await waitFor(() => expect(within(refused).getByText('setup.exe: file-type-not-allowed')).toBeInTheDocument());
    const [pngUrl, pdfUrl] = [await stored('dropped.png'), await stored('dropped.pdf')];
    expect(pngUrl).not.toBe(pdfUrl);
    expect(screen.queryByRole('listitem', { name: 'setup.exe' })).toBeNull();
  });

  it('cancels an upload in flight, and a retry after the cancel uploads it', async () => {
    // HighLevel takes the file and never answers: the upload stays in flight until cancelled.
    await failNext({ kind: 'hang' });
    const before = await uploadsAtMock();
    render(<MyUploader conversationId="conv1" />);
    await userEvent.upload(screen.getByTestId('my-picker'), png('slow.png', 20_000));
    const cancel = await screen.findByRole('button', { name: 'Cancel slow.png' });
    // Cancelled once HighLevel has it, and hangs.
    await waitFor(async () => expect(await uploadsAtMock()).toBeGreaterThan(before));
    expect(row('slow.png')).toHaveTextContent(/slow\.png: (uploading|processing)/);
    await userEvent.click(cancel);
    await waitFor(() => expect(row('slow.png')).toHaveTextContent('slow.png: cancelled'));
    expect(screen.queryByRole('link', { name: 'Open slow.png' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Retry slow.png' }));
    expect(await stored('slow.png')).toMatch(/^http:\/\//);
    expect(screen.queryByRole('button', { name: 'Retry slow.png' })).toBeNull();
  });

  it('files a child component adds as it mounts, before the hook is set up, are uploaded', async () => {
    // A composer opened with files already chosen (a forwarded message, a "send this report"
    // button) adds them from a child's effect; React runs it before the hook's own effects.
    function Prefill({ addFiles }: { addFiles(files: File[]): void }) {
      useEffect(() => addFiles([png('forwarded.png')]), [addFiles]);
      return null;
    }
    function Composer() {
      const { items, addFiles } = useAttachmentUploader({ conversationId: 'conv1' });
      return (
        <>
          <Prefill addFiles={addFiles} />
          <ul aria-label="Uploads">
            {items.map((item) => (
              <li key={item.id} aria-label={item.name}>
                {item.name}: {item.status}
                {item.status === 'done' && <a href={item.result.url}>Open {item.name}</a>}
              </li>
            ))}
          </ul>
        </>
      );
    }
    render(<Composer />);
    expect(await stored('forwarded.png')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });
});
