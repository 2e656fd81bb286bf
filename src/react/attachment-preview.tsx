import { formatBytes } from '../shared/limits.js';
import type { UploadedFile } from '../shared/wire.js';
import type { UploaderMessages } from './messages.js';
import { safeUrl } from './safe-url.js';

/** Props of {@link AttachmentPreview}. */
export interface AttachmentPreviewProps {
  file: UploadedFile;
  messages: Pick<UploaderMessages, 'open'>;
}

/**
 * A stored file, shown by kind: image, video, audio players, and a file card with an open link
 * for the rest. Nothing is rendered for a URL that is not http(s).
 */
export function AttachmentPreview({ file, messages }: AttachmentPreviewProps) {
  const url = safeUrl(file.url);
  if (!url) return null;
  const media =
    file.kind === 'image' ? (
      <a href={url} target="_blank" rel="noreferrer noopener" className="ghl-att-thumb">
        <img src={url} alt={file.name} loading="lazy" />
      </a>
    ) : file.kind === 'video' ? (
      <video src={url} controls preload="metadata" aria-label={file.name} />
    ) : file.kind === 'audio' ? (
      <audio src={url} controls preload="metadata" aria-label={file.name} />
    ) : null;
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
      </div>
    </div>
  );
}

function extension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toUpperCase() : 'FILE';
}
