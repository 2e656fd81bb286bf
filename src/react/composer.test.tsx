/**
 * The ready-made composer against the real BFF and mock: what a user sees and does, from the
 * first keystroke to the message in the conversation, and each way it can fail.
 */
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { pngOfSize } from '../testing/fixtures.js';
import { ownStack } from '../testing/own-stack.js';
import { AttachmentComposer } from './composer.js';
import { FRENCH_MESSAGES } from './locales/fr.js';

const { origin, failNextSend, messagesSent } = await ownStack();
beforeAll(() => {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${origin}/`);
});

const png = (name: string) => new File([pngOfSize(400) as Uint8Array<ArrayBuffer>], name, { type: 'image/png' });
const input = (container: HTMLElement) => container.querySelector<HTMLInputElement>('input[type=file]')!;
const sendButton = () => screen.findByRole('button', { name: 'Send' });

describe('the composer', () => {
  it('keeps Send off with nothing to send, and says why; sends the text and the files as one message, then clears both', async () => {
    const onSent = vi.fn();
    const { container } = render(<AttachmentComposer conversationId="conv1" onSent={onSent} />);
    const send = await sendButton();
    expect(send).toHaveProperty('disabled', true);
    expect(send.getAttribute('aria-describedby') && document.getElementById(send.getAttribute('aria-describedby')!)?.textContent).toBe(
      'Write a message or attach a file to send.',
    );
    await userEvent.upload(input(container), [png('one.png'), png('two.png')]);
    await screen.findByRole('img', { name: 'one.png' }, { timeout: 5000 });
    await screen.findByRole('img', { name: 'two.png' }, { timeout: 5000 });
    await userEvent.type(screen.getByRole('textbox', { name: 'Message' }), 'Both files');
    const before = await messagesSent();
    await waitFor(() => expect(send).toHaveProperty('disabled', false));
    await userEvent.click(send);
    await screen.findByText('Message sent.');
    expect(await messagesSent()).toBe(before + 1);
    expect(onSent).toHaveBeenCalledWith(expect.objectContaining({ type: 'SMS', attachments: [expect.any(String), expect.any(String)] }));
    expect(screen.getByRole('textbox', { name: 'Message' })).toHaveProperty('value', '');
    expect(screen.queryByText('one.png')).toBeNull();
    expect(send).toHaveProperty('disabled', true);
  });

  it('makes one message of a double click on a slow send, and shows it sending meanwhile', async () => {
    render(<AttachmentComposer conversationId="conv1" />);
    await userEvent.type(await screen.findByRole('textbox', { name: 'Message' }), 'twice');
    await failNextSend({ kind: 'delay', ms: 600 });
    const before = await messagesSent();
    await userEvent.dblClick(await sendButton());
    expect(await screen.findByRole('button', { name: 'Sending…' })).toHaveProperty('disabled', true);
    await screen.findByText('Message sent.', {}, { timeout: 5000 });
    expect(await messagesSent()).toBe(before + 1);
  });

  it('sends with Ctrl+Enter from the message box', async () => {
    render(<AttachmentComposer conversationId="conv1" />);
    const before = await messagesSent();
    await userEvent.type(await screen.findByRole('textbox', { name: 'Message' }), 'by keyboard{Control>}{Enter}{/Control}');
    await screen.findByText('Message sent.');
    expect(await messagesSent()).toBe(before + 1);
  });

  it('shows HighLevel’s refusal in words, in an alert, and keeps the text to try again', async () => {
    const onSendError = vi.fn();
    render(<AttachmentComposer conversationId="conv1" onSendError={onSendError} />);
    await userEvent.type(await screen.findByRole('textbox', { name: 'Message' }), 'refused');
    await failNextSend({ kind: 'answer', status: 422, body: { statusCode: 422, message: ['bad'] } });
    await userEvent.click(await sendButton());
    expect((await screen.findByRole('alert')).textContent).toBe('HighLevel refused the message.');
    expect(onSendError).toHaveBeenCalledWith(expect.objectContaining({ code: 'message-rejected' }));
    expect(screen.getByRole('textbox', { name: 'Message' })).toHaveProperty('value', 'refused');
  });

  it('offers the channel when several are allowed, and a subject for email; a type the server refuses is said in words', async () => {
    render(<AttachmentComposer conversationId="conv1" messageTypes={['SMS', 'Email']} />);
    const channel = await screen.findByRole('combobox', { name: 'Send as' });
    expect(screen.queryByRole('textbox', { name: 'Subject' })).toBeNull();
    await userEvent.selectOptions(channel, 'Email');
    await userEvent.type(screen.getByRole('textbox', { name: 'Subject' }), 'Files');
    await userEvent.type(screen.getByRole('textbox', { name: 'Message' }), 'hi');
    await userEvent.click(await sendButton());
    expect((await screen.findByRole('alert')).textContent).toBe('This conversation cannot be answered on this channel.');
  });

  it('speaks the uploader’s locale', async () => {
    render(<AttachmentComposer conversationId="conv1" messages={FRENCH_MESSAGES} />);
    expect(await screen.findByRole('button', { name: 'Envoyer' })).toBeTruthy();
    expect(screen.getByRole('form', { name: 'Répondre avec des pièces jointes' })).toBeTruthy();
  });
});
