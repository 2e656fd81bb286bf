import type { ErrorCode } from '../shared/error-codes.js';
import { DEFAULT_ERROR_MESSAGES, formatMessage } from '../shared/messages.js';

/**
 * Words that depend on a count: a form per plural category of the locale (as `Intl.PluralRules`
 * names them: `one`, `few`, `many`…), `other` required; or one string for every count.
 */
export type PluralMessage = string | ({ other: string } & Partial<Record<Intl.LDMLPluralRule, string>>);

/** Every string the widget shows, so a host app can translate it. `{name}` marks a value. */
export interface UploaderMessages {
  /** The BCP 47 tag sizes, numbers and plurals are formatted for (`en`, `fr`, `de-CH`…). */
  locale: string;
  dropTitle: string;
  /** The name of the control that opens the file picker. */
  chooseFiles: string;
  dragActive: string;
  dragReject: string;
  limits: string;
  noConversation: string;
  queued: string;
  shrinking: string;
  shrunk: string;
  uploading: string;
  processing: string;
  done: string;
  cancelled: string;
  cancel: string;
  retry: string;
  remove: string;
  dismiss: string;
  /** The name a screen reader gives each row's buttons: `{name}` is the file's. */
  cancelFile: string;
  retryFile: string;
  removeFile: string;
  dismissFile: string;
  copyUrlOf: string;
  /** A shrunk photo sent under another name (a PNG sent as JPEG). */
  shrunkSentAs: string;
  open: string;
  copyUrl: string;
  copied: string;
  progressLabel: string;
  refusedTitle: string;
  retryAll: string;
  clearFinished: string;
  announceAdded: string;
  announceUploaded: string;
  announceFailed: string;
  announceRefused: string;
  announceRefusedMany: PluralMessage;
  andMore: PluralMessage;
  errors: Record<ErrorCode, string>;
}

/** English. */
export const DEFAULT_MESSAGES: UploaderMessages = {
  locale: 'en',
  dropTitle: 'Drop files here to attach them',
  chooseFiles: 'Choose files to attach',
  dragActive: 'Drop to attach',
  dragReject: 'Some of these files can’t be attached',
  limits: '{types} · up to {maxSize} each',
  noConversation: 'Choose a conversation to attach files to.',
  queued: 'Waiting…',
  shrinking: 'Shrinking the photo to fit…',
  shrunk: 'shrunk from {from} to {to}',
  uploading: 'Uploading… {percent} %',
  processing: 'Processing…',
  done: 'Uploaded',
  cancelled: 'Cancelled',
  cancel: 'Cancel',
  retry: 'Retry',
  remove: 'Remove',
  dismiss: 'Dismiss',
  cancelFile: 'Cancel {name}',
  retryFile: 'Retry {name}',
  removeFile: 'Remove {name}',
  dismissFile: 'Dismiss {name}',
  copyUrlOf: 'Copy link for {name}',
  shrunkSentAs: 'shrunk from {from} to {to} · sent as {sentAs}',
  open: 'Open',
  copyUrl: 'Copy link',
  copied: 'Copied',
  progressLabel: 'Upload of {name}',
  refusedTitle: 'Not attached',
  retryAll: 'Retry all failed',
  clearFinished: 'Clear finished',
  announceAdded: '{name} added.',
  announceUploaded: '{name} uploaded.',
  announceFailed: '{name} failed: {reason}',
  announceRefused: '{name} not attached: {reason}',
  announceRefusedMany: { one: '{count} file not attached: {reason}', other: '{count} files not attached: {reason}' },
  andMore: '{names} and {count} more',
  errors: DEFAULT_ERROR_MESSAGES,
};

/**
 * Strings to override, any number of them, an error's words included
 * (`{ errors: { 'file-too-large': '…' } }`): the rest stay as they were.
 */
export type UploaderMessagesInput = Partial<Omit<UploaderMessages, 'errors'>> & {
  errors?: Partial<Record<ErrorCode, string>>;
};

/** `overrides` laid over `base`, the error words one by one. */
export function mergeMessages(overrides: UploaderMessagesInput | undefined, base: UploaderMessages = DEFAULT_MESSAGES): UploaderMessages {
  if (!overrides) return base;
  return { ...base, ...overrides, errors: { ...base.errors, ...overrides.errors } };
}

/** The words for an error code, with the widget's own limits filled in. */
export function errorText(
  messages: UploaderMessages,
  code: ErrorCode,
  values: { types: string; maxSize: string; maxFiles: number; seconds?: number },
): string {
  return formatMessage(messages.errors[code], values);
}

/** The form of `message` for `count` in `locale`, its placeholders filled (`{count}` included, in the locale's digits). */
export function formatPlural(message: PluralMessage, count: number, locale: string, values: Record<string, string | number | undefined> = {}): string {
  const template = typeof message === 'string' ? message : (message[new Intl.PluralRules(locale).select(count)] ?? message.other);
  return formatMessage(template, { ...values, count: new Intl.NumberFormat(locale).format(count) });
}

export { formatMessage };
