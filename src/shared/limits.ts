/** HighLevel's documented limit per file: 5 MB, taken as 5 × 1024 × 1024 bytes. */
export const DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024;

/** HighLevel's documented limit of files in one upload request (the BFF's `maxFilesPerRequest`). */
export const DEFAULT_MAX_FILES_PER_REQUEST = 5;

/** `5,242,880` → `5 MB`, `1536` → `1.5 KB`: sizes as users read them, in binary units. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const rounded = value >= 10 || Number.isInteger(value) ? Math.round(value) : Math.round(value * 10) / 10;
  return `${rounded} ${units[unit]}`;
}
