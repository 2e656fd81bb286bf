import type { ErrorCode } from '../shared/error-codes.js';
import { describeFileTypes } from '../shared/file-types.js';
import { formatBytes } from '../shared/limits.js';
import { DEFAULT_ERROR_MESSAGES, formatMessage } from '../shared/messages.js';
import type { UploaderState } from './uploader-options.js';

/**
 * What a user reads for an error code, with the rules in force filled in ("Allowed: PDF.",
 * "5 MB max"): for a UI without the React widget. `words` translates (the widget's locales have
 * an `errors` table of this shape). Default: English.
 */
export function errorMessage(
  code: ErrorCode,
  rules: UploaderState['rules'],
  options: { seconds?: number; locale?: string; words?: Readonly<Record<ErrorCode, string>> } = {},
): string {
  const { seconds, locale, words = DEFAULT_ERROR_MESSAGES } = options;
  return formatMessage(words[code], {
    types: describeFileTypes(rules.allowedTypes),
    maxSize: formatBytes(rules.maxFileSize, locale),
    maxFiles: rules.maxFiles,
    seconds,
  });
}
