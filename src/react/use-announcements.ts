import { useEffect, useRef, useState } from 'react';
import { formatMessage, formatPlural, type UploaderMessages } from './messages.js';
import type { RejectedFile, UploadItem, UploadStatus } from '../client/upload-item.js';

/**
 * What a polite live region should say about the latest changes: files added, refused, uploaded
 * and failed. Progress is not announced: a screen reader would talk over the user.
 */
export function useAnnouncements(
  items: readonly UploadItem[],
  rejections: readonly RejectedFile[],
  messages: UploaderMessages,
  reasonOf: (item: UploadItem | RejectedFile) => string,
): string {
  const [announcement, setAnnouncement] = useState('');
  const statuses = useRef(new Map<string, UploadStatus>());
  const refused = useRef(new Set<string>());
  useEffect(() => {
    const lines: string[] = [];
    for (const item of items) {
      const before = statuses.current.get(item.id);
      if (before === item.status) continue;
      if (before === undefined && item.file) lines.push(formatMessage(messages.announceAdded, { name: item.name }));
      // Files passed in as `value` have no `file`: they were not uploaded now.
      if (item.status === 'done' && item.file) lines.push(formatMessage(messages.announceUploaded, { name: item.name }));
      if (item.status === 'error') lines.push(formatMessage(messages.announceFailed, { name: item.name, reason: reasonOf(item) }));
    }
    const fresh = rejections.filter((rejection) => !refused.current.has(rejection.id));
    for (const rejection of fresh) refused.current.add(rejection.id);
    // Many refusals at once are said per reason, not read out file by file.
    const byReason = new Map<string, RejectedFile[]>();
    for (const rejection of fresh) byReason.set(reasonOf(rejection), [...(byReason.get(reasonOf(rejection)) ?? []), rejection]);
    for (const [reason, group] of byReason) {
      lines.push(
        group.length === 1
          ? formatMessage(messages.announceRefused, { name: group[0]!.name, reason })
          : formatPlural(messages.announceRefusedMany, group.length, messages.locale, { reason }),
      );
    }
    statuses.current = new Map(items.map((item) => [item.id, item.status]));
    // Announcing is a reaction to what changed since the last render: an effect is the place.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    if (lines.length > 0) setAnnouncement(lines.join(' '));
  }, [items, rejections, messages, reasonOf]);
  return announcement;
}
