import type { ErrorCode } from './error-codes.js';
import { findFileType, resolveFileTypes, type FileTypeInput } from './file-types.js';
import { DEFAULT_MAX_FILE_SIZE } from './limits.js';

/** The rules a file is held to, in the browser and again in the BFF. */
export interface FileRules {
  /** Allowed types, by id or spec. Default: HighLevel's 13 documented types. */
  allowedTypes?: readonly FileTypeInput[];
  /** Bytes per file; a file of exactly this size passes. Default: 5,242,880. */
  maxFileSize?: number;
}

/**
 * Why a file (by its name and size) is refused, or `null` when it may be uploaded. The type is
 * judged by extension only: the MIME type a browser reports is derived from the extension anyway,
 * and is empty for types the operating system does not know (RAR on most machines). The BFF
 * checks the bytes themselves.
 */
export function checkFile(file: { name: string; size: number }, rules: FileRules = {}): ErrorCode | null {
  const { maxFileSize = DEFAULT_MAX_FILE_SIZE } = rules;
  if (!isSafeFileName(file.name)) return 'invalid-file-name';
  if (!findFileType(file.name, resolveFileTypes(rules.allowedTypes))) return 'file-type-not-allowed';
  if (file.size === 0) return 'file-empty';
  if (file.size > maxFileSize) return 'file-too-large';
  return null;
}

/** Longest file name accepted, in characters: what common file systems store. */
export const MAX_FILE_NAME_LENGTH = 255;

/**
 * Blanks that are letters or symbols by category, so no property below catches them all, yet
 * show as nothing or as an empty cell: the Hangul fillers U+115F, U+1160, U+3164 and U+FFA0
 * (they stand in for a missing jamo and have no glyph of their own), the Braille blank U+2800
 * (a symbol that looks like a space but is not whitespace, so a name of only it is not blank to
 * `trim`), the Mongolian vowel separator U+180E (a space in older Unicode data, which some
 * runtimes still carry) and the Khitan filler U+16FE4.
 */
export const INVISIBLE_FILLERS: readonly number[] = [0x115f, 0x1160, 0x3164, 0xffa0, 0x2800, 0x180e, 0x16fe4];

/**
 * Refused wherever they stand, by Unicode property: controls (Cc), format characters (Cf: bidi
 * controls such as `invoice\u202Efdp.zip`, which shows as `invoicepiz.pdf`, zero-width spaces,
 * the BOM, the soft hyphen, tag characters, Arabic number signs, Egyptian and musical format
 * controls), line and paragraph separators (Zl, Zp), private use (Co), unassigned code points
 * (Cn, which no font draws), lone surrogates (Cs), every default-ignorable code point (what
 * Unicode says renderers show as nothing), the fillers above, and path separators.
 */
const REFUSED = new RegExp(
  `[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}\\p{Co}\\p{Cn}\\p{Cs}\\p{Default_Ignorable_Code_Point}/\\\\${INVISIBLE_FILLERS.map((code) => `\\u{${code.toString(16)}}`).join('')}]`,
  'u',
);

/**
 * Invisible characters that change how the character before them is drawn, allowed only where
 * they do: the zero-width joiner inside an emoji sequence (👩‍💻) and, with the non-joiner,
 * between letters of scripts whose letters join or form conjuncts (Persian `می‌خواهم`,
 * Devanagari `क्‍ष`); variation selectors right after an emoji (❤️) or an ideograph (葛󠄀), and
 * Mongolian ones after a Mongolian letter. Anywhere else (`pay\u200Dpal.pdf`) they only hide.
 */
const JOINERS = /[\u200c\u200d]/u;
const EMOJI_VARIATION = /[\ufe0e\ufe0f]/u;
const IDEOGRAPHIC_VARIATION = /[\ufe00-\ufe0d\u{e0100}-\u{e01ef}]/u;
const MONGOLIAN_VARIATION = /[\u180b-\u180d\u180f]/u;
/** Tested on one code point at a time. */
const LETTER_OR_MARK = /[\p{L}\p{M}]/u;
const JOINING_SCRIPTS =
  /[\p{scx=Arab}\p{scx=Syrc}\p{scx=Mand}\p{scx=Nkoo}\p{scx=Mong}\p{scx=Deva}\p{scx=Beng}\p{scx=Guru}\p{scx=Gujr}\p{scx=Orya}\p{scx=Taml}\p{scx=Telu}\p{scx=Knda}\p{scx=Mlym}\p{scx=Sinh}\p{scx=Khmr}\p{scx=Mymr}]/u;

/** Whether the code point at `index` may stand there (see {@link REFUSED} and {@link JOINERS}). */
function allowedAt(chars: readonly string[], index: number): boolean {
  const char = chars[index]!;
  // Stryker disable next-line StringLiteral: its stand-in text (no joining-script letter, emoji or ideograph) fails each test as '' does
  const before = chars[index - 1] ?? '';
  // Stryker disable next-line StringLiteral: as above
  const after = chars[index + 1] ?? '';
  if (JOINERS.test(char)) {
    if (char === '\u200d' && /\p{Extended_Pictographic}/u.test(emojiBase(chars, index - 1)) && /\p{Extended_Pictographic}/u.test(after)) return true;
    return scriptLetter(before) && scriptLetter(after);
  }
  if (EMOJI_VARIATION.test(char)) return /\p{Emoji}/u.test(before);
  if (IDEOGRAPHIC_VARIATION.test(char)) return /\p{Ideographic}/u.test(before);
  if (MONGOLIAN_VARIATION.test(char)) return /\p{scx=Mong}/u.test(before) && LETTER_OR_MARK.test(before);
  return !REFUSED.test(char);
}

/** A letter or mark of a script that joins letters or forms conjuncts. */
function scriptLetter(char: string): boolean {
  return LETTER_OR_MARK.test(char) && JOINING_SCRIPTS.test(char);
}

/** The emoji that the code point at `index` ends, past its skin tone or presentation selector. */
function emojiBase(chars: readonly string[], index: number): string {
  let at = index;
  while (at > 0 && /[\ufe0f\p{Emoji_Modifier}]/u.test(chars[at]!)) at -= 1;
  // Stryker disable next-line StringLiteral: only before the first code point, and no pictograph either way
  return chars[at] ?? '';
}

/**
 * Whether a name can travel as a plain file name: no path parts, no control characters, no
 * bidi or invisible characters (see {@link REFUSED}), not blank, not absurdly long. Browsers only
 * ever send base names, so a name with path parts came from a hand-made request. The browser and
 * the BFF both use this one check.
 */
export function isSafeFileName(name: string): boolean {
  if (name.trim().length === 0 || name.length > MAX_FILE_NAME_LENGTH || name === '.' || name === '..') return false;
  // By code point, so that a lone surrogate is seen alone and an astral character whole.
  const chars = Array.from(name);
  return chars.every((_, index) => allowedAt(chars, index));
}
