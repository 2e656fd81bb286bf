import { waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { defineGhlAttachments, typesFrom } from './index.js';

describe('typesFrom (the accept attribute)', () => {
  it('takes type names or extensions, in any case, with commas or spaces', () => {
    expect(typesFrom('PDF, .png')?.map((type) => type.id)).toEqual(['PNG', 'PDF']);
    expect(typesFrom('mp3 WAV')?.map((type) => type.id)).toEqual(['MP3', 'WAV']);
    expect(typesFrom('.mpg')?.map((type) => type.id)).toEqual(['MPEG']);
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
    expect(element.shadowRoot?.querySelector('style')?.textContent).toContain('.ghl-att');
    element.setAttribute('locale', 'fr');
    await waitFor(() => expect(element.shadowRoot?.textContent).toContain('Déposez des fichiers ici'));
    element.remove();
    await waitFor(() => expect(element.shadowRoot?.textContent).not.toContain('Déposez'));
  });
});
