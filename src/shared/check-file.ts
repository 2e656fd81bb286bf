import type { ErrorCode } from './error-codes.js';
import { findFileType, resolveFileTypes, type FileTypeInput } from './file-types.js';
import { DEFAULT_MAX_FILE_SIZE } from './limits.js';

/** The rules a file is held to, in the browser and again in the BFF. */
export interface FileRules {
  /** Allowed types, by id or spec. Default: the seed's 13. */
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
 * Characters that change how a name reads without being seen: bidi controls (`invoice\u202Efdp.zip`
 * shows as `invoicepiz.pdf`), zero-width spaces and joiners that hide inside words, the BOM, the
 * soft hyphen, and the other invisible format characters. The zero-width joiner and non-joiner
 * (U+200C, U+200D) stay allowed: emoji sequences and several scripts need them.
 */
const INVISIBLE_OR_BIDI = /[\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\ufff9-\ufffb]/u;

/**
 * Whether a name can travel as a plain file name: no path parts, no control characters, no
 * bidi or invisible format characters, not blank, not absurdly long. Browsers only ever send
 * base names, so a name with path parts came from a hand-made request.
 */
export function isSafeFileName(name: string): boolean {
  return (
    name.trim().length > 0 &&
    name.length <= MAX_FILE_NAME_LENGTH &&
    // eslint-disable-next-line no-control-regex
    !/[\u0000-\u001f\u007f-\u009f/\\]/.test(name) &&
    !INVISIBLE_OR_BIDI.test(name) &&
    name !== '.' &&
    name !== '..'
  );
}
