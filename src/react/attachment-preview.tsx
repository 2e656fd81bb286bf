import { useState } from 'react';
import { formatBytes } from '../shared/limits.js';
import type { UploadedFile } from '../shared/wire.js';
import type { UploaderMessages } from './messages.js';
import { safeUrl } from './safe-url.js';

/** Props of {@link AttachmentPreview}. */
export interface AttachmentPreviewProps {
  file: UploadedFile;
  messages: Pick<UploaderMessages, 'open' | 'copyUrl' | 'copied'>;
  /**
   * Where the preview is read from. Default: HighLevel's URL itself. Secure attachments are public
   * for an hour only: pass `(url) => \`/api/attachments?url=${encodeURIComponent(url)}\`` to read
   * them through the BFF with the server's token.
   */
  previewUrl?: (url: string) => string;
}

/**
 * A stored file, shown by kind: an image (opens larger in a new tab), video and audio players,
 * a PDF inline, and for every kind a card with its type, size, an open link and a copy-URL
 * button. Nothing is rendered for a URL that is not http(s); a preview that fails to load leaves
 * the card.
 */
export function AttachmentPreview({ file, messages, previewUrl }: AttachmentPreviewProps) {
  const url = safeUrl(file.url);
  const [broken, setBroken] = useState(false);
  const [copied, setCopied] = useState(false);
  if (!url) return null;
  const shown = previewUrl ? previewUrl(url) : url;
  const onError = () => setBroken(true);
  const media = broken ? null : file.kind === 'image' ? (
    <a href={url} target="_blank" rel="noreferrer noopener" className="ghl-att-thumb">
      <img src={shown} alt={file.name} loading="lazy" onError={onError} />
    </a>
  ) : file.kind === 'video' ? (
    <video src={shown} controls preload="metadata" aria-label={file.name} onError={onError} />
  ) : file.kind === 'audio' ? (
    <audio src={shown} controls preload="metadata" aria-label={file.name} onError={onError} />
  ) : file.kind === 'pdf' ? (
    <object data={shown} type="application/pdf" aria-label={file.name} className="ghl-att-pdf" />
  ) : null;
  const copy = () => {
    void navigator.clipboard?.writeText(url).then(() => setCopied(true), () => undefined);
  };
  return (
    <div className="ghl-att-preview" data-kind={file.kind}>
      {media}
      <div className="ghl-att-card">
        <KindIcon kind={file.kind} />
        <span className="ghl-att-card-type" aria-hidden="true">
          {extension(file.name)}
        </span>
        <span className="ghl-att-card-size">{formatBytes(file.size)}</span>
        <a href={url} target="_blank" rel="noreferrer noopener">
          {messages.open}
        </a>
        <button type="button" onClick={copy} aria-label={`${messages.copyUrl} ${file.name}`}>
          {copied ? messages.copied : messages.copyUrl}
        </button>
      </div>
    </div>
  );
}

/** Outline icons, one per kind (24-unit grid, drawn with the text colour). */
const ICONS: Record<UploadedFile['kind'], string> = {
  image: 'M4 5h16v14H4z M4 16l5-5 4 4 3-3 4 4 M15 9.5a1.5 1.5 0 1 0 0-.01',
  video: 'M3 6h13v12H3z M16 10l5-3v10l-5-3',
  audio: 'M9 18V6l10-2v12 M9 18a3 3 0 1 1-6 0 3 3 0 0 1 6 0z M19 16a3 3 0 1 1-6 0 3 3 0 0 1 6 0z',
  pdf: 'M6 3h9l4 4v14H6z M15 3v4h4 M9 13h7 M9 17h5',
  file: 'M6 3h9l4 4v14H6z M15 3v4h4',
};

function KindIcon({ kind }: { kind: UploadedFile['kind'] }) {
  return (
    <svg className="ghl-att-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" data-kind={kind}>
      <path d={ICONS[kind]} fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinejoin="round" strokeLinecap="round" />
    </svg>
  );
}

function extension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toUpperCase() : 'FILE';
}
