/**
 * The widget and the element under a BFF that accepts PDF only, with no type set on either:
 * they learn it from the BFF (`GET {endpoint}/config`), say it, and refuse a PNG at drop time,
 * naming PDF; a prop narrower than the server's policy wins.
 */
import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { defineGhlAttachments, type GhlAttachmentsEventDetails } from '../embed/index.js';
import { fixture, pngOfSize } from '../testing/fixtures.js';
import { ownStack } from '../testing/own-stack.js';
import { AttachmentUploader } from './attachment-uploader.js';

const { origin, uploadRequests } = await ownStack({ allowedTypes: ['PDF'] });
beforeAll(() => {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${origin}/`);
  defineGhlAttachments();
});

const png = (name: string) => new File([pngOfSize(400) as Uint8Array<ArrayBuffer>], name, { type: 'image/png' });
const pdf = (name: string) => new File([fixture('sample.pdf').bytes as Uint8Array<ArrayBuffer>], name, { type: 'application/pdf' });
const input = (container: Element | ShadowRoot) => container.querySelector<HTMLInputElement>('input[type=file]')!;

describe("the BFF's policy in the widget", () => {
  it('PDF only on the server, no prop: the widget says PDF, refuses a PNG at drop time naming PDF, and sends nothing', async () => {
    const { container } = render(<AttachmentUploader conversationId="conv1" />);
    // Until the answer arrives, the props (here the defaults) apply.
    expect(screen.getByText(/^JPG, JPEG, PNG/)).toBeVisible();
    expect(await screen.findByText('PDF · up to 5 MB each')).toBeVisible();
    expect(input(container).accept).toBe('.pdf,application/pdf');
    const before = await uploadRequests();
    await userEvent.upload(input(container), png('photo.png'), { applyAccept: false });
    const refused = screen.getByRole('list', { name: 'Not attached' });
    expect(within(refused).getByText('This type of file is not allowed. Allowed: PDF.')).toBeVisible();
    await userEvent.upload(input(container), pdf('contract.pdf'));
    expect(await screen.findByRole('link', { name: 'Open' }, { timeout: 5000 })).toBeVisible();
    expect(await uploadRequests()).toBe(before + 1);
  });

  it('a prop narrower than the server wins; one wider is cut to the server’s', async () => {
    const { unmount } = render(<AttachmentUploader conversationId="conv1" allowedTypes={['PDF']} maxFileSize={1_048_576} />);
    expect(await screen.findByText('PDF · up to 1 MB each')).toBeVisible();
    unmount();
    render(<AttachmentUploader conversationId="conv1" allowedTypes={['PNG', 'PDF']} />);
    expect(await screen.findByText('PDF · up to 5 MB each')).toBeVisible();
  });

  it('the element refuses the PNG too, and its ghl-reject message names PDF', async () => {
    const element = document.createElement('ghl-attachments');
    element.setAttribute('conversation-id', 'conv1');
    const rejected: GhlAttachmentsEventDetails['ghl-reject'][] = [];
    element.addEventListener('ghl-reject', (event) => rejected.push(event.detail));
    document.body.append(element);
    await waitFor(() => expect(element.shadowRoot!.textContent).toContain('PDF · up to 5 MB each'), { timeout: 5000 });
    await userEvent.upload(input(element.shadowRoot!), png('photo.png'), { applyAccept: false });
    expect(rejected).toEqual([
      { rejections: [{ name: 'photo.png', size: expect.any(Number), code: 'file-type-not-allowed', message: 'This type of file is not allowed. Allowed: PDF.' }] },
    ]);
    element.remove();
  });
});
