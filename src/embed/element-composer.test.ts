import { waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeAll, describe, expect, it } from 'vitest';
import { ownStack } from '../testing/own-stack.js';
import { defineGhlAttachments } from './index.js';

// `<ghl-attachments mode="composer">` against the real BFF and mock: a page that is not React
// sends a message, and hears of it by an event.
const { origin, messagesSent } = await ownStack();
beforeAll(() => {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${origin}/`);
});

describe('<ghl-attachments mode="composer">', () => {
  it('renders the composer in its shadow root, offers the listed channels, sends, and emits ghl-message-sent', async () => {
    defineGhlAttachments();
    const element = document.createElement('ghl-attachments');
    element.setAttribute('conversation-id', 'conv1');
    element.setAttribute('mode', 'composer');
    element.setAttribute('message-types', 'sms, whatsapp, Fax');
    document.body.append(element);
    const box = await waitFor(() => {
      const found = element.shadowRoot?.querySelector('textarea');
      if (!found) throw new Error('not rendered yet');
      return found;
    });
    const options = [...element.shadowRoot!.querySelectorAll('select option')].map((option) => option.getAttribute('value'));
    expect(options).toEqual(['SMS', 'WhatsApp']);
    const sent = new Promise<CustomEvent>((resolve) => document.addEventListener('ghl-message-sent', (event) => resolve(event), { once: true }));
    const before = await messagesSent();
    await userEvent.type(box, 'from a page without React');
    await userEvent.click(element.shadowRoot!.querySelector('button[type=submit]')!);
    const event = await sent;
    expect(event.detail.answer).toMatchObject({ conversationId: 'conv1', type: 'SMS' });
    expect(await messagesSent()).toBe(before + 1);
    element.remove();
  });

  it('without the mode, stays the uploader alone', async () => {
    defineGhlAttachments();
    const element = document.createElement('ghl-attachments');
    element.setAttribute('conversation-id', 'conv1');
    document.body.append(element);
    await waitFor(() => expect(element.shadowRoot?.textContent).toContain('Drop files here'));
    expect(element.shadowRoot?.querySelector('textarea')).toBeNull();
    element.remove();
  });
});
