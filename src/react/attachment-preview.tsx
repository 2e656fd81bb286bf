import { useState } from 'react';
import { formatBytes } from '../shared/limits.js';
import type { UploadedFile } from '../shared/wire.js';
import { formatMessage, type UploaderMessages } from './messages.js';
import { safeUrl } from './safe-url.js';

/**
 * Where a preview's media is read from: `'server'`, the file's `previewUrl` (the BFF's signed
 * link, read with the server's token) when it has one, else its `url`; `'highlevel'`, always
 * HighLevel's `url`.
 */
export type PreviewSource = 'server' | 'highlevel';

/** Props of {@link AttachmentPreview}. */
export interface AttachmentPreviewProps {
  file: UploadedFile;
  messages: Pick<UploaderMessages, 'locale' | 'open' | 'copyUrl' | 'copyUrlOf' | 'copied'>;
  /**
   * Where the image, video, audio or PDF is read from. `'server'`: the file's `previewUrl`, the
   * BFF's signed link, read with the server's token, so previews outlive the hour HighLevel keeps
   * a secure attachment's URL public; files without one (from elsewhere) fall back to `url`.
   * `'highlevel'`: always HighLevel's `url`. The open link and copy-link are `url` either way.
   * Default: `'server'`.
   */
  previewFrom?: PreviewSource;
}

/**
 * A stored file, shown by kind: an image (opens larger in a new tab), video and audio players,
 * a PDF inline, and for every kind a card with its type, size, an open link and a copy-URL
 * button. The media are read from `previewFrom`; the links are always HighLevel's `url` (what goes
 * into the message). Nothing is rendered for a URL that is not http(s); a preview that fails to
 * load leaves the card.
 */
export function AttachmentPreview({ file, messages, previewFrom = 'server' }: AttachmentPreviewProps) {
  const url = safeUrl(file.url);
  const [broken, setBroken] = useState(false);
  const [copied, setCopied] = useState(false);
  if (!url) return null;
  const shown = (previewFrom === 'server' && safeUrl(file.previewUrl)) || url;
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
        <span className="ghl-att-card-size">{formatBytes(file.size, messages.locale)}</span>
        <a href={url} target="_blank" rel="noreferrer noopener">
          {messages.open}
        </a>
        <button type="button" onClick={copy} aria-label={formatMessage(messages.copyUrlOf, { name: file.name })}>
          {copied ? messages.copied : messages.copyUrl}
        </button>
      </div>
    </div>
  );
}

/** Outline icons, one per kind, on a 24-unit grid; stroked in the stylesheet. */
const ICONS: Record<UploadedFile['kind'], string> = {
  image: 'M4 5h16v14H4zm0 11 5-5 5 5',
  video: 'M3 6h12v12H3zm12 4 5-3v10l-5-3',
  audio: 'M9 18V5l10-2v13M9 18H5v-3h4',
  pdf: 'M6 3h9l4 4v14H6zm3 11h6',
  file: 'M6 3h9l4 4v14H6z',
};

function KindIcon({ kind }: { kind: UploadedFile['kind'] }) {
  return (
    <svg className="ghl-att-icon" viewBox="0 0 24 24" aria-hidden="true" data-kind={kind}>
      <path d={ICONS[kind]} />
    </svg>
  );
}

function extension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toUpperCase() : 'FILE';
}
