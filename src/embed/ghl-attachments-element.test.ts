import { waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type * as UploadFileModule from '../client/upload-file.js';
import { uploadFile } from '../client/upload-file.js';
import { defineGhlAttachments, typesFrom } from './index.js';

// What the element asks of the upload client is what these tests look at: uploads never end.
vi.mock('../client/upload-file.js', async (importOriginal) => ({
  ...(await importOriginal<typeof UploadFileModule>()),
  uploadFile: vi.fn(() => new Promise(() => undefined)),
}));

/** The element's file input, once it has rendered. */
const fileInputOf = (element: HTMLElement) =>
  waitFor(() => {
    const found = element.shadowRoot?.querySelector<HTMLInputElement>('input[type=file]');
    if (!found) throw new Error('not rendered yet');
    return found;
  });

describe('typesFrom (the allowed-types attribute)', () => {
  it('takes type ids or extensions, in any case, with commas or spaces, the extra types too', () => {
    expect(typesFrom('PDF, .png')).toEqual(['PNG', 'PDF']);
    expect(typesFrom('mp3 WAV')).toEqual(['MP3', 'WAV']);
    expect(typesFrom('.mpg')).toEqual(['MPEG']);
    expect(typesFrom('heic, .webp pdf')).toEqual(['PDF', 'WEBP', 'HEIC']);
  });

  it('falls back to every type when it names none it knows', () => {
    expect(typesFrom(null)).toBeUndefined();
    expect(typesFrom('  ')).toBeUndefined();
    expect(typesFrom('exe, .bat')).toBeUndefined();
  });
});

describe('<ghl-attachments>', () => {
  it('renders the widget in its shadow root and follows attribute changes', async () => {
    defineGhlAttachments();
    defineGhlAttachments(); // twice is harmless
    const element = document.createElement('ghl-attachments');
    element.setAttribute('conversation-id', 'c1');
    document.body.append(element);
    await waitFor(() => expect(element.shadowRoot?.textContent).toContain('Drop files here to attach them'));
    // Its styles are a constructed sheet of the shadow root: a page whose CSP refuses inline
    // <style> elements still styles the widget.
    const rules = element.shadowRoot!.adoptedStyleSheets.flatMap((sheet) => [...sheet.cssRules].map((rule) => rule.cssText));
    expect(rules.join('\n')).toContain('.ghl-att');
    expect(element.shadowRoot?.querySelector('style')).toBeNull();
    element.setAttribute('locale', 'fr');
    await waitFor(() => expect(element.shadowRoot?.textContent).toContain('Déposez des fichiers ici'));
    element.remove();
    await waitFor(() => expect(element.shadowRoot?.textContent).not.toContain('Déposez'));
  });
});

describe('<ghl-attachments with-credentials>', () => {
  it('sends cookies to the BFF when the attribute is present, and not when it is absent', async () => {
    defineGhlAttachments();
    const element = document.createElement('ghl-attachments');
    element.setAttribute('conversation-id', 'c1');
    element.setAttribute('endpoint', 'https://bff.example/api/attachments');
    element.setAttribute('with-credentials', '');
    document.body.append(element);
    const input = await fileInputOf(element);
    await userEvent.upload(input, new File(['hello'], 'a.txt', { type: 'text/plain' }));
    await waitFor(() => expect(uploadFile).toHaveBeenCalledTimes(1));
    expect(vi.mocked(uploadFile).mock.calls[0]![0]).toMatchObject({ endpoint: 'https://bff.example/api/attachments', withCredentials: true });
    element.removeAttribute('with-credentials');
    await userEvent.upload(input, new File(['hello'], 'b.txt', { type: 'text/plain' }));
    await waitFor(() => expect(uploadFile).toHaveBeenCalledTimes(2));
    expect(vi.mocked(uploadFile).mock.calls[1]![0]).toMatchObject({ withCredentials: false });
    element.remove();
  });
});

describe('<ghl-attachments> number attributes', () => {
  it('leaves out one that is not a whole number in the option’s range: its default applies, and the widget works', async () => {
    defineGhlAttachments();
    vi.mocked(uploadFile).mockClear();
    const element = document.createElement('ghl-attachments');
    element.setAttribute('conversation-id', 'c1');
    element.setAttribute('max-files', '1.5');
    element.setAttribute('concurrency', '101');
    element.setAttribute('max-image-dimension', '70000');
    document.body.append(element);
    const input = await fileInputOf(element);
    // The defaults: ten rows, three uploads at once (these never end): three of four go.
    const files = ['a', 'b', 'c', 'd'].map((name) => new File([name], `${name}.txt`, { type: 'text/plain' }));
    await userEvent.upload(input, files);
    await waitFor(() => expect(uploadFile).toHaveBeenCalledTimes(3));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(uploadFile).toHaveBeenCalledTimes(3);
    // One in range applies, on an element already on the page.
    element.setAttribute('concurrency', '4');
    await waitFor(() => expect(uploadFile).toHaveBeenCalledTimes(4));
    element.remove();
  });
});
