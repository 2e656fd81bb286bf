import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { UploadedFile } from '../shared/wire.js';
import { AttachmentPreview } from './attachment-preview.js';
import { DEFAULT_MESSAGES } from './messages.js';

const HIGHLEVEL = 'https://storage.example/files/d/abc';
const BFF = 'https://app.example/api/attachments?preview=signed.handle';

/** A stored file; `previewUrl: null` for one without (a host's saved value). */
const stored = (kind: UploadedFile['kind'], name: string, previewUrl: string | null = `${BFF}-${kind}`): UploadedFile => ({
  name,
  url: `${HIGHLEVEL}/${name}`,
  ...(previewUrl === null ? {} : { previewUrl }),
  mimeType: 'application/octet-stream',
  size: 1234,
  kind,
});

/** The element showing the media and the URL it reads. */
function shownMedia(container: HTMLElement): { tag: string; source: string | null } {
  const media = container.querySelector('img, video, audio, object')!;
  return { tag: media.tagName.toLowerCase(), source: media.getAttribute(media.tagName === 'OBJECT' ? 'data' : 'src') };
}

describe('<AttachmentPreview>: where the media come from', () => {
  const kinds: [UploadedFile['kind'], string, string][] = [
    ['image', 'photo.png', 'img'],
    ['video', 'clip.mp4', 'video'],
    ['audio', 'voice.mp3', 'audio'],
    ['pdf', 'contract.pdf', 'object'],
  ];

  it.each(kinds)('a %s with a previewUrl is shown from it; the links stay HighLevel’s URL', (kind, name, tag) => {
    const file = stored(kind, name);
    const { container } = render(<AttachmentPreview file={file} messages={DEFAULT_MESSAGES} />);
    expect(shownMedia(container)).toEqual({ tag, source: file.previewUrl });
    expect(screen.getByRole('link', { name: 'Open' })).toHaveAttribute('href', file.url);
    for (const link of container.querySelectorAll('a')) expect(link).toHaveAttribute('href', file.url);
  });

  it.each(kinds)('a %s is shown from HighLevel’s URL with previewFrom="highlevel"', (kind, name, tag) => {
    const file = stored(kind, name);
    const { container } = render(<AttachmentPreview file={file} messages={DEFAULT_MESSAGES} previewFrom="highlevel" />);
    expect(shownMedia(container)).toEqual({ tag, source: file.url });
  });

  it('falls back to the url for a file without a previewUrl (a host’s saved value)', () => {
    const file = stored('image', 'earlier.jpg', null);
    const { container } = render(<AttachmentPreview file={file} messages={DEFAULT_MESSAGES} />);
    expect(shownMedia(container)).toEqual({ tag: 'img', source: file.url });
  });

  it('never shows a previewUrl that is not http(s): the url instead', () => {
    const file = stored('image', 'odd.png', 'javascript:alert(1)');
    const { container } = render(<AttachmentPreview file={file} messages={DEFAULT_MESSAGES} />);
    expect(shownMedia(container)).toEqual({ tag: 'img', source: file.url });
  });

  it('shows no media for a plain file, only the card with HighLevel’s URL', () => {
    const file = stored('file', 'archive.zip');
    const { container } = render(<AttachmentPreview file={file} messages={DEFAULT_MESSAGES} />);
    expect(container.querySelector('img, video, audio, object')).toBeNull();
    expect(screen.getByRole('link', { name: 'Open' })).toHaveAttribute('href', file.url);
  });
});
