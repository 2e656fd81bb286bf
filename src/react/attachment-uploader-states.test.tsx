import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_ERROR_MESSAGES } from '../shared/messages.js';
import type { UploadedFile } from '../shared/wire.js';
import { pngOfSize } from '../testing/fixtures.js';
import { ownStack } from '../testing/own-stack.js';
import { AttachmentUploader } from './attachment-uploader.js';

const { origin, failNext } = await ownStack();
beforeAll(() => {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${origin}/`);
});

const png = (name: string) => new File([pngOfSize(400) as Uint8Array<ArrayBuffer>], name, { type: 'image/png' });
const input = (container: HTMLElement) => container.querySelector<HTMLInputElement>('input[type=file]')!;

describe('controlled mode (value / onChange)', () => {
  const earlier: UploadedFile = { name: 'contract.pdf', url: `${origin}/files/earlier.pdf`, mimeType: 'application/pdf', size: 2048, kind: 'pdf' };

  function Form({ onChange }: { onChange: (files: UploadedFile[]) => void }) {
    const [files, setFiles] = useState<UploadedFile[]>([earlier]);
    return (
      <AttachmentUploader
        conversationId="conv1"
        value={files}
        onChange={(next) => {
          onChange(next);
          setFiles(next);
        }}
      />
    );
  }

  it('shows files uploaded earlier, adds new uploads to the list and drops removed ones', async () => {
    const onChange = vi.fn<(files: UploadedFile[]) => void>();
    const { container } = render(<Form onChange={onChange} />);
    expect(screen.getByText('contract.pdf')).toBeVisible();
    expect(screen.getByRole('link', { name: 'Open' })).toHaveAttribute('href', earlier.url);

    await userEvent.upload(input(container), png('new.png'));
    await screen.findByRole('img', { name: 'new.png' }, { timeout: 5000 });
    expect(onChange).toHaveBeenLastCalledWith([earlier, expect.objectContaining({ name: 'new.png', kind: 'image' })]);

    await userEvent.click(screen.getByRole('button', { name: 'Remove contract.pdf' }));
    expect(onChange).toHaveBeenLastCalledWith([expect.objectContaining({ name: 'new.png' })]);
    await waitFor(() => expect(screen.queryByText('contract.pdf')).toBeNull());
  });
});

describe('many files', () => {
  it('retries every failed upload at once, and clears finished ones', async () => {
    const { container, rerender } = render(<AttachmentUploader conversationId="unknown" />);
    await userEvent.upload(input(container), [png('a.png'), png('b.png')]);
    await waitFor(() => expect(screen.getAllByText('HighLevel does not know this conversation.')).toHaveLength(2), { timeout: 5000 });
    rerender(<AttachmentUploader conversationId="conv1" />);
    await userEvent.click(screen.getByRole('button', { name: 'Retry all failed' }));
    await screen.findByRole('img', { name: 'a.png' }, { timeout: 5000 });
    await screen.findByRole('img', { name: 'b.png' }, { timeout: 5000 });
    expect(screen.queryByRole('button', { name: 'Retry all failed' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Clear finished' }));
    expect(screen.queryByText('a.png')).toBeNull();
    expect(screen.queryByText('b.png')).toBeNull();
  });
});

describe('HighLevel’s rate limit', () => {
  it('says when it will retry, counts down, and retries by itself', async () => {
    await failNext({ kind: 'answer', status: 429, body: { statusCode: 429 }, headers: { 'Retry-After': '2' } });
    const { container } = render(<AttachmentUploader conversationId="conv1" />);
    await userEvent.upload(input(container), png('busy.png'));
    expect(await screen.findByText('Too many uploads right now. Retrying in 2 s.', {}, { timeout: 5000 })).toBeVisible();
    expect(await screen.findByText('Too many uploads right now. Retrying in 1 s.', {}, { timeout: 2500 })).toBeVisible();
    expect(await screen.findByRole('img', { name: 'busy.png' }, { timeout: 5000 })).toBeInTheDocument();
  }, 15_000);

  it('can be cancelled while it waits', async () => {
    await failNext({ kind: 'answer', status: 429, body: {}, headers: { 'Retry-After': '30' } });
    const { container } = render(<AttachmentUploader conversationId="conv1" />);
    await userEvent.upload(input(container), png('later.png'));
    await screen.findByText(/Retrying in 30 s/, {}, { timeout: 5000 });
    await userEvent.click(screen.getByRole('button', { name: 'Cancel later.png' }));
    expect(screen.getByText('Cancelled')).toBeVisible();
    expect(screen.getByRole('button', { name: 'Retry later.png' })).toBeVisible();
  });
});

describe('the live region', () => {
  it('tells screen readers what was refused, added and uploaded', async () => {
    const { container } = render(<AttachmentUploader conversationId="conv1" />);
    const live = screen.getByRole('status');
    const files = [new File(['MZ'], 'setup.exe')];
    const items = files.map((file) => ({ kind: 'file', type: file.type, getAsFile: () => file }));
    fireEvent.drop(container.querySelector('.ghl-att-dropzone')!, { dataTransfer: { files, items, types: ['Files'] } });
    await waitFor(() => expect(live).toHaveTextContent(/setup\.exe not attached: This type of file is not allowed/));
    await userEvent.upload(input(container), png('told.png'));
    await waitFor(() => expect(live).toHaveTextContent('told.png uploaded.'), { timeout: 5000 });
    expect(within(container).getByRole('img', { name: 'told.png' })).toBeInTheDocument();
  });
});

describe('choosing files', () => {
  const dragged = (...types: string[]) => ({
    dataTransfer: { types: ['Files'], items: types.map((type) => ({ kind: 'file', type })), files: [] },
  });

  it('says during the drag whether the files will be taken', async () => {
    const { container } = render(<AttachmentUploader conversationId="conv1" maxFiles={2} />);
    const zone = container.querySelector<HTMLElement>('.ghl-att-dropzone')!;
    fireEvent.dragEnter(zone, dragged('image/png', 'application/pdf'));
    expect(await screen.findByText('Drop to attach')).toBeVisible();
    expect(zone).not.toHaveAttribute('data-drag-reject');
    fireEvent.dragLeave(zone, dragged());
    fireEvent.dragEnter(zone, dragged('image/png', 'application/x-msdownload'));
    expect(await screen.findByText('Some of these files can’t be attached')).toBeVisible();
    expect(zone).toHaveAttribute('data-drag-reject', 'true');
    fireEvent.dragLeave(zone, dragged());
    fireEvent.dragEnter(zone, dragged('image/png', 'image/png', 'image/png'));
    expect(await screen.findByText('Some of these files can’t be attached')).toBeVisible();
    fireEvent.dragLeave(zone, dragged());
    // A type the browser does not know (RAR on most systems) is judged at the drop.
    fireEvent.dragEnter(zone, dragged(''));
    expect(await screen.findByText('Drop to attach')).toBeVisible();
  });

  it('takes files pasted into the dropzone (a screenshot with Ctrl+V)', async () => {
    const { container } = render(<AttachmentUploader conversationId="conv1" />);
    const zone = container.querySelector<HTMLElement>('.ghl-att-dropzone')!;
    const file = png('pasted.png');
    fireEvent.paste(zone, { clipboardData: { files: [file], items: [{ kind: 'file', type: file.type, getAsFile: () => file }], types: ['Files'] } });
    expect(await screen.findByRole('img', { name: 'pasted.png' }, { timeout: 5000 })).toBeInTheDocument();
  });
});

describe('many refused files', () => {
  it('groups them by reason in one row and one announcement', async () => {
    const { container } = render(<AttachmentUploader conversationId="conv1" />);
    const files = Array.from({ length: 12 }, (_, i) => new File(['MZ'], `tool-${i}.exe`));
    const items = files.map((file) => ({ kind: 'file', type: file.type, getAsFile: () => file }));
    fireEvent.drop(container.querySelector('.ghl-att-dropzone')!, { dataTransfer: { files, items, types: ['Files'] } });
    const refused = await screen.findByRole('list', { name: 'Not attached' });
    expect(within(refused).getAllByRole('listitem')).toHaveLength(1);
    expect(within(refused).getByText('tool-0.exe, tool-1.exe and 10 more')).toBeVisible();
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('12 files not attached: This type of file is not allowed.'));
    await userEvent.click(within(refused).getByRole('button', { name: 'Dismiss tool-0.exe, tool-1.exe and 10 more' }));
    expect(screen.queryByRole('list', { name: 'Not attached' })).toBeNull();
  });
});

describe('a lost connection', () => {
  it('says so, and uploads again by itself when the browser is back online', async () => {
    // Nothing listens on port 9: the request fails the way a dropped connection does.
    const { container, rerender } = render(<AttachmentUploader conversationId="conv1" endpoint="http://127.0.0.1:9/api/attachments" />);
    await userEvent.upload(input(container), png('offline.png'));
    await waitFor(() => expect(container.querySelector('.ghl-att-items')).toHaveTextContent(/The connection was lost/), { timeout: 5000 });
    rerender(<AttachmentUploader conversationId="conv1" />);
    window.dispatchEvent(new Event('online'));
    expect(await screen.findByRole('img', { name: 'offline.png' }, { timeout: 5000 })).toBeInTheDocument();
  });
});

describe('a page whose origin the BFF does not allow', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('says so instead of "connection lost", tells the host, and does not retry when back online', async () => {
    // happy-dom cannot play a browser's opaque no-cors answer: the probe's fetch answers as
    // Chromium does for a reachable server that refused the preflight (e2e/cross-origin.spec.ts
    // has the real thing). The upload itself fails for real, without an answer.
    const probes: RequestInit[] = [];
    vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
      // The widget's ask for the BFF's policy (GET …/config) is no probe: it fails as the upload does.
      if (url.endsWith('/config')) return Promise.reject(new TypeError('Failed to fetch'));
      probes.push(init);
      return init.mode === 'no-cors' ? Promise.resolve({ type: 'opaque', body: null }) : Promise.reject(new TypeError('Failed to fetch'));
    });
    const onUploadError = vi.fn();
    const { container, rerender } = render(
      <AttachmentUploader conversationId="conv1" endpoint="http://127.0.0.1:9/api/attachments" onUploadError={onUploadError} />,
    );
    await userEvent.upload(input(container), png('refused.png'));
    const list = await waitFor(() => container.querySelector<HTMLElement>('.ghl-att-items')!);
    await waitFor(() => expect(list).toHaveTextContent(DEFAULT_ERROR_MESSAGES['origin-not-allowed']), { timeout: 5000 });
    expect(list).not.toHaveTextContent(/connection was lost/);
    expect(onUploadError).toHaveBeenCalledWith(
      expect.objectContaining({ code: 'origin-not-allowed' }),
      expect.objectContaining({ status: 'error', name: 'refused.png', file: expect.any(File) }),
    );
    expect(probes.map((probe) => probe.mode)).toEqual(['no-cors', 'cors']);
    // Coming back online changes nothing for a refused origin: no retry by itself.
    rerender(<AttachmentUploader conversationId="conv1" onUploadError={onUploadError} />);
    window.dispatchEvent(new Event('online'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(list).toHaveTextContent(DEFAULT_ERROR_MESSAGES['origin-not-allowed']);
    expect(screen.queryByRole('img', { name: 'refused.png' })).toBeNull();
    // The user can still try again by hand (once the admin has allowed the page).
    expect(screen.getByRole('button', { name: 'Retry refused.png' })).toBeVisible();
  });
});

describe('cancelling and local previews', () => {
  it('cancels an upload in flight (HighLevel slow to answer), and it can go again', async () => {
    await failNext({ kind: 'hang' });
    const { container } = render(<AttachmentUploader conversationId="conv1" />);
    await userEvent.upload(input(container), png('stuck.png'));
    await screen.findByRole('progressbar', { name: 'Upload of stuck.png' });
    await userEvent.click(screen.getByRole('button', { name: 'Cancel stuck.png' }));
    expect(await within(container.querySelector('.ghl-att-items')!).findByText('Cancelled')).toBeVisible();
    await userEvent.click(screen.getByRole('button', { name: 'Retry stuck.png' }));
    expect(await screen.findByRole('img', { name: 'stuck.png' }, { timeout: 5000 })).toBeInTheDocument();
  });

  it('shows the chosen image while it waits and revokes its object URL afterwards', async () => {
    const revoked = vi.spyOn(URL, 'revokeObjectURL');
    // The first upload hangs, so the second waits for as long as the test looks at it (a fast
    // machine once finished the first before the check).
    await failNext({ kind: 'hang' });
    const { container } = render(<AttachmentUploader conversationId="conv1" concurrency={1} />);
    await userEvent.upload(input(container), [png('first.png'), png('second.png')]);
    await screen.findByRole('progressbar', { name: 'Upload of first.png' });
    const waiting = container.querySelector('.ghl-att-item[data-status="queued"] img.ghl-att-local');
    expect(waiting?.getAttribute('src')).toMatch(/^blob:/);
    const url = waiting!.getAttribute('src');
    await userEvent.click(screen.getByRole('button', { name: 'Cancel first.png' }));
    await screen.findByRole('img', { name: 'second.png' }, { timeout: 5000 });
    expect(revoked).toHaveBeenCalledWith(url);
    revoked.mockRestore();
  });
});
