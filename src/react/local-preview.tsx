import { useEffect, useState } from 'react';
import { findFileType } from '../shared/file-types.js';

/**
 * The chosen file itself, shown while it uploads: a thumbnail, or a player for video and audio.
 * The object URL lives as long as the preview and is revoked after.
 */
export function LocalPreview({ file }: { file: File }) {
  const kind = findFileType(file.name)?.kind;
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    if (kind !== 'image' && kind !== 'video' && kind !== 'audio') return undefined;
    const objectUrl = URL.createObjectURL(file);
    // The URL is made here, not during render, so that every one made is also revoked.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setUrl(objectUrl);
    return () => URL.revokeObjectURL(objectUrl);
  }, [file, kind]);
  if (!url) return null;
  if (kind === 'image') return <img className="ghl-att-local" src={url} alt="" />;
  if (kind === 'video') return <video className="ghl-att-local" src={url} muted preload="metadata" aria-hidden="true" />;
  return <audio className="ghl-att-local-audio" src={url} controls preload="metadata" aria-label={file.name} />;
}
