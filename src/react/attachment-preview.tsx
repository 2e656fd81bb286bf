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

function extension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toUpperCase() : 'FILE';
}
