import { expect, vi } from 'vitest';

type Row = { readonly status: string };
/** An uploader (its state) or an upload store (its snapshot): both list their rows as `items`. */
type HasRows = { getState(): { readonly items: readonly Row[] } } | { getSnapshot(): { readonly items: readonly Row[] } };

const ENDED = ['done', 'error', 'cancelled'];

/** Waits until every row has ended: stored, failed or cancelled. */
export function settled(source: HasRows, timeout = 15_000): Promise<void> {
  const rows = () => ('getState' in source ? source.getState() : source.getSnapshot()).items;
  return vi.waitFor(() => expect(rows().every((row) => ENDED.includes(row.status))).toBe(true), { timeout });
}
