import { fileTypeFromBuffer } from 'file-type';
import type { FileTypeSpec, MagicFamily } from '../shared/file-types.js';

/**
 * What `file-type` may call a file of each family. Containers are generous on purpose: a `.zip`
 * that is really a DOCX, or an `.mp4` with a QuickTime brand, is still what the user meant.
 */
const FAMILY_EXTENSIONS: Record<Exclude<MagicFamily, 'text'>, readonly string[]> = {
  jpeg: ['jpg'],
  png: ['png', 'apng'],
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
 * signature: it must not look like any known binary format, and must decode as text.
 */
export async function contentMatches(type: FileTypeSpec, head: Uint8Array): Promise<boolean> {
  const detected = await fileTypeFromBuffer(head);
  if (type.magic === 'text') return detected === undefined && looksLikeText(head);
  return detected !== undefined && FAMILY_EXTENSIONS[type.magic].includes(detected.ext);
}

/**
 * UTF-8 (a character cut at the end of the sample is fine) or UTF-16 with a byte-order mark,
 * and no control characters other than tab, line breaks, form feed and escape.
 */
export function looksLikeText(head: Uint8Array): boolean {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: true });
  } catch {
    return false;
  }
  for (const byte of head) {
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c && byte !== 0x1b) return false;
    if (byte === 0x7f) return false;
  }
  return true;
}
