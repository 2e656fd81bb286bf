import type { ErrorCode } from '../shared/error-codes.js';
import { formatMessage, formatPlural, type UploaderMessages } from './messages.js';
import type { RejectedFile } from '../client/upload-item.js';

/** Up to this many refused files get a row each; past it they are grouped by reason. */
export const REFUSALS_SHOWN_ONE_BY_ONE = 5;

/** Props of {@link RefusalList}. */
export interface RefusalListProps {
  rejections: readonly RejectedFile[];
  messages: UploaderMessages;
  reasonOf: (rejection: RejectedFile) => string;
  onDismiss: (ids: readonly string[]) => void;
}

/**
 * Refused files with their reasons. A few are listed one by one; a thousand dropped by mistake
 * become one row per reason ("tool.exe, setup.exe and 983 more"), which a user can read and the
 * page can render at once.
 */
export function RefusalList({ rejections, messages, reasonOf, onDismiss }: RefusalListProps) {
  if (rejections.length === 0) return null;
  const rows =
    rejections.length <= REFUSALS_SHOWN_ONE_BY_ONE
      ? rejections.map((rejection) => ({ key: rejection.id, code: rejection.code, group: [rejection] }))
      : [...groupByCode(rejections)].map(([code, group]) => ({ key: code, code, group }));
  return (
    <ul className="ghl-att-rejections" aria-label={messages.refusedTitle}>
      {rows.map(({ key, code, group }) => {
        const label = namesOf(group, messages);
        return (
          <li key={key} className="ghl-att-rejection" data-code={code}>
            <span className="ghl-att-name">{label}</span>
            <span className="ghl-att-reason">{reasonOf(group[0]!)}</span>
            <button type="button" onClick={() => onDismiss(group.map((rejection) => rejection.id))} aria-label={formatMessage(messages.dismissFile, { name: label })}>
              {messages.dismiss}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function groupByCode(rejections: readonly RejectedFile[]): Map<ErrorCode, RejectedFile[]> {
  const groups = new Map<ErrorCode, RejectedFile[]>();
  for (const rejection of rejections) groups.set(rejection.code, [...(groups.get(rejection.code) ?? []), rejection]);
  return groups;
}

function namesOf(group: readonly RejectedFile[], messages: UploaderMessages): string {
  if (group.length <= 3) return group.map((rejection) => rejection.name).join(', ');
  const names = group.slice(0, 2).map((rejection) => rejection.name).join(', ');
  return formatPlural(messages.andMore, group.length - 2, messages.locale, { names });
}
