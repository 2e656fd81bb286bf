import { fileTypeFromBuffer } from 'file-type';
import type { FileTypeSpec, MagicFamily } from '../shared/file-types.js';

/**
 * What `file-type` may call a file of each family. Containers are generous on purpose: a `.zip`
 * that is really a DOCX, or an `.mp4` with a QuickTime brand, is still what the user meant.
 */
const FAMILY_EXTENSIONS: Record<Exclude<MagicFamily, 'text' | 'unchecked'>, readonly string[]> = {
  jpeg: ['jpg'],
  png: ['png', 'apng'],
  gif: ['gif'],
  webp: ['webp'],
  heic: ['heic', 'heif', 'avif'],
  mp4: ['mp4', 'm4v', 'm4a', 'm4b', 'm4p', 'mov', 'f4v', '3gp', '3g2'],
  'mpeg-video': ['mpg'],
  zip: ['zip', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'odp', 'epub', 'jar', 'apk', 'xpi'],
  rar: ['rar'],
  pdf: ['pdf', 'ai'],
  ole: ['cfb', 'doc', 'msi'],
  mp3: ['mp3', 'mp2', 'mp1'],
  wav: ['wav'],
};

/**
 * Whether a file's first bytes agree with its allowed type. The browser's MIME type is not
 * consulted: it is derived from the extension, which is the claim being checked. Text has no
 * signature: it must not look like any known binary format, and must look like text. A type
 * declared `unchecked` is taken by its extension alone.
 */
export async function contentMatches(type: FileTypeSpec, head: Uint8Array): Promise<boolean> {
  if (type.magic === 'unchecked') return true;
  const detected = await fileTypeFromBuffer(head);
  if (type.magic === 'text') return detected === undefined && looksLikeText(head);
  return detected !== undefined && FAMILY_EXTENSIONS[type.magic].includes(detected.ext);
}

/**
 * Text in any of the encodings people save it in: UTF-16 with a byte-order mark, or any 8-bit
 * encoding (UTF-8, Windows-1252 and Latin-1 from an old export or a French note, …), with no
 * NUL and no control character other than tab, line breaks, form feed, escape and the DOS end
 * of file (SUB). Binary formats are full of NULs and low control bytes; text of any 8-bit
 * encoding has none, so the bytes above 0x7F are not judged.
 */
export function looksLikeText(head: Uint8Array): boolean {
  const littleEndian = head[0] === 0xff && head[1] === 0xfe;
  if (littleEndian || (head[0] === 0xfe && head[1] === 0xff)) {
    // UTF-16: the same rule, on 16-bit code units (a trailing odd byte is a cut sample).
    for (let i = 2; i + 1 < head.length; i += 2) {
      const unit = littleEndian ? head[i]! | (head[i + 1]! << 8) : (head[i]! << 8) | head[i + 1]!;
      if (!isTextUnit(unit)) return false;
    }
    return true;
  }
  return head.every(isTextUnit);
}

function isTextUnit(unit: number): boolean {
  return (unit >= 0x20 && unit !== 0x7f) || TEXT_CONTROLS.has(unit);
}

/** Tab, LF, FF, CR, SUB, ESC. */
const TEXT_CONTROLS = new Set([0x09, 0x0a, 0x0c, 0x0d, 0x1a, 0x1b]);
