import { describe, expect, it } from 'vitest';
import { ERROR_STATUS, type ErrorCode } from '../shared/error-codes.js';
import { GERMAN_MESSAGES } from './locales/de.js';
import { FRENCH_MESSAGES } from './locales/fr.js';
import { DEFAULT_MESSAGES, errorText, formatPlural, mergeMessages, type PluralMessage, type UploaderMessages } from './messages.js';

/** The `{placeholders}` of a message, sorted; of every form of a plural one. */
const placeholders = (message: PluralMessage) =>
  [...new Set((typeof message === 'string' ? [message] : Object.values(message)).flatMap((form) => [...form.matchAll(/\{(\w+)\}/g)].map((m) => m[1])))].sort();

/**
 * What the widget fills into each message. A message without its placeholder shows the user a
 * label with no file name ("Cancel"), a limit without the limit; a translation must keep them.
 */
const FILLED: Partial<Record<keyof UploaderMessages, string[]>> = {
  limits: ['maxSize', 'types'],
  shrunk: ['from', 'to'],
  uploading: ['percent'],
  cancelFile: ['name'],
  retryFile: ['name'],
  removeFile: ['name'],
  dismissFile: ['name'],
  copyUrlOf: ['name'],
  shrunkSentAs: ['from', 'sentAs', 'to'],
  progressLabel: ['name'],
  announceAdded: ['name'],
  announceUploaded: ['name'],
  announceFailed: ['name', 'reason'],
  announceRefused: ['name', 'reason'],
  announceRefusedMany: ['count', 'reason'],
  andMore: ['count', 'names'],
};
const ERRORS_FILLED: Partial<Record<ErrorCode, string[]>> = {
  'file-type-not-allowed': ['types'],
  'file-too-large': ['maxSize'],
  'too-many-files': ['maxFiles'],
  'server-busy': ['seconds'],
  'rate-limited': ['seconds'],
  'image-not-shrinkable': ['maxSize'],
  'too-many-attachments': ['maxFiles'],
  'send-in-progress': ['seconds'],
};

describe.each([
  ['English', DEFAULT_MESSAGES],
  ['French', FRENCH_MESSAGES],
  ['German', GERMAN_MESSAGES],
])('the %s words', (_language, messages) => {
  it('say something for every label and every error, with the values the widget fills in', () => {
    for (const key of Object.keys(DEFAULT_MESSAGES) as (keyof UploaderMessages)[]) {
      if (key === 'errors') continue;
      const message = messages[key] as PluralMessage;
      const forms = typeof message === 'string' ? [message] : Object.values(message);
      for (const form of forms) expect(form.trim(), key).not.toBe('');
      expect(placeholders(message), key).toEqual(FILLED[key as keyof UploaderMessages] ?? []);
    }
    expect(Object.keys(messages.errors).sort()).toEqual(Object.keys(ERROR_STATUS).sort());
    for (const code of Object.keys(ERROR_STATUS) as ErrorCode[]) {
      expect(messages.errors[code].trim(), code).not.toBe('');
      expect(placeholders(messages.errors[code]), code).toEqual(ERRORS_FILLED[code] ?? []);
    }
  });
});

describe('the message helpers', () => {
  it('the English words are English, and the locale formats sizes and counts', () => {
    expect(DEFAULT_MESSAGES.locale).toBe('en');
    expect(FRENCH_MESSAGES.locale).toBe('fr');
    expect(formatPlural(DEFAULT_MESSAGES.announceRefusedMany, 1, 'en', { reason: 'too large' })).toBe('1 file not attached: too large');
    expect(formatPlural(DEFAULT_MESSAGES.announceRefusedMany, 1200, 'en', { reason: 'too large' })).toBe('1,200 files not attached: too large');
    expect(formatPlural(DEFAULT_MESSAGES.andMore, 3, 'de', { names: 'a, b' })).toBe('a, b and 3 more');
  });

  it('a form the locale lacks falls back to `other`', () => {
    // Polish has a `few` category; a message with only `one` and `other` still reads.
    expect(formatPlural({ one: '{count} plik', other: '{count} plików' }, 3, 'pl')).toBe('3 plików');
  });

  it('overrides replace only what they name, error words one by one', () => {
    const merged = mergeMessages({ retry: 'Again', errors: { 'file-empty': 'Nothing in it.' } });
    expect(merged.retry).toBe('Again');
    expect(merged.cancel).toBe(DEFAULT_MESSAGES.cancel);
    expect(merged.errors['file-empty']).toBe('Nothing in it.');
    expect(merged.errors['file-too-large']).toBe(DEFAULT_MESSAGES.errors['file-too-large']);
    expect(mergeMessages(undefined)).toBe(DEFAULT_MESSAGES);
    expect(mergeMessages({ cancel: 'Annuler' }, FRENCH_MESSAGES).retry).toBe(FRENCH_MESSAGES.retry);
  });

  it('errorText fills the widget’s own limits into an error’s words', () => {
    expect(errorText(DEFAULT_MESSAGES, 'too-many-files', { types: 'PDF', maxSize: '5 MB', maxFiles: 5 })).toBe('Too many files at once (5 max).');
  });
});
