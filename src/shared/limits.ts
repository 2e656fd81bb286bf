/** HighLevel's documented limit per file: 5 MB, taken as 5 × 1024 × 1024 bytes. */
export const DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024;

/** HighLevel's documented limit of files in one upload request (the BFF's `maxFilesPerRequest`). */
export const DEFAULT_MAX_FILES_PER_REQUEST = 5;

/**
 * `5,242,880` → `5 MB`, `1536` → `1.5 KB`: sizes as users read them, in binary units. With a
 * `locale`, the number and the unit are the locale's (`fr`: `5 Mo`, `1,5 ko`; `de`: `1,5 kB`).
 */
export function formatBytes(bytes: number, locale?: string): string {
  const units = ['KB', 'MB', 'GB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator: byte counts are integers, so is 10
  const digits = unit >= 0 && value < 10 && !Number.isInteger(value) ? 1 : 0;
  if (locale) {
    const format = new Intl.NumberFormat(locale, {
      style: 'unit',
      unit: ['byte', 'kilobyte', 'megabyte', 'gigabyte'][unit + 1],
      unitDisplay: 'short',
      maximumFractionDigits: digits,
    });
    const parts = format.formatToParts(digits ? Math.round(value * 10) / 10 : Math.round(value));
    // CLDR spells the byte out in some locales ("1,000 byte"): the symbol reads better in a list.
    // Stryker disable next-line Regex,ConditionalExpression: CLDR's unit parts are whole words; none holds 'byte' with more around it
    return parts.map((part) => (part.type === 'unit' && /^bytes?$/i.test(part.value) ? 'B' : part.value)).join('');
  }
  if (unit < 0) return `${bytes} B`;
  const rounded = digits ? Math.round(value * 10) / 10 : Math.round(value);
  return `${rounded} ${units[unit]}`;
}
