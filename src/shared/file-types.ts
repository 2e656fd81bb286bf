/**
 * The file types HighLevel accepts as conversation attachments, and what we need to know about
 * each one on both sides of the wire: how the browser names it, how to preview it, and how its
 * bytes begin. One table so that the dropzone, the BFF and the mock can never disagree.
 */

/** How a file is shown once uploaded. */
export type PreviewKind = 'image' | 'video' | 'audio' | 'pdf' | 'file';

/**
 * The family of leading bytes ("magic number") a file of this type starts with. The BFF sniffs
 * the first bytes and compares families, because browsers report MIME types from the extension
 * alone. `text` has no signature: it is recognised by being valid text.
 */
export type MagicFamily =
  | 'jpeg'
  | 'png'
  | 'gif'
  | 'webp'
  | 'heic'
  | 'mp4'
  | 'mpeg-video'
  | 'zip'
  | 'rar'
  | 'pdf'
  | 'ole'
  | 'text'
  | 'mp3'
  | 'wav'
  // No content check at all: the caller says so explicitly for a type it trusts by extension.
  | 'unchecked';

/** One allowed file type. */
export interface FileTypeSpec {
  /** The name HighLevel's documentation uses, e.g. `JPG`; upper case. */
  readonly id: string;
  /** Lower-case extensions with the dot, the first one canonical. */
  readonly extensions: readonly string[];
  /** MIME types browsers and operating systems report for it, the first one canonical. */
  readonly mimeTypes: readonly string[];
  readonly kind: PreviewKind;
  readonly magic: MagicFamily;
}

/**
 * HighLevel's 13 documented types, the default allow-list. HighLevel's newer reference page lists more
 * (GIF, HEIC, CSV…): {@link EXTRA_FILE_TYPES}, allowed by id.
 */
export const DEFAULT_FILE_TYPES: readonly FileTypeSpec[] = [
  { id: 'JPG', extensions: ['.jpg'], mimeTypes: ['image/jpeg', 'image/pjpeg'], kind: 'image', magic: 'jpeg' },
  { id: 'JPEG', extensions: ['.jpeg'], mimeTypes: ['image/jpeg', 'image/pjpeg'], kind: 'image', magic: 'jpeg' },
  { id: 'PNG', extensions: ['.png'], mimeTypes: ['image/png'], kind: 'image', magic: 'png' },
  { id: 'MP4', extensions: ['.mp4'], mimeTypes: ['video/mp4'], kind: 'video', magic: 'mp4' },
  { id: 'MPEG', extensions: ['.mpeg', '.mpg'], mimeTypes: ['video/mpeg'], kind: 'video', magic: 'mpeg-video' },
  {
    id: 'ZIP',
    extensions: ['.zip'],
    // Windows reports ZIP archives as x-zip-compressed.
    mimeTypes: ['application/zip', 'application/x-zip-compressed'],
    kind: 'file',
    magic: 'zip',
  },
  {
    id: 'RAR',
    extensions: ['.rar'],
    mimeTypes: ['application/vnd.rar', 'application/x-rar-compressed', 'application/x-rar'],
    kind: 'file',
    magic: 'rar',
  },
  { id: 'PDF', extensions: ['.pdf'], mimeTypes: ['application/pdf'], kind: 'pdf', magic: 'pdf' },
  { id: 'DOC', extensions: ['.doc'], mimeTypes: ['application/msword'], kind: 'file', magic: 'ole' },
  {
    id: 'DOCX',
    extensions: ['.docx'],
    mimeTypes: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    kind: 'file',
    // A DOCX is a ZIP container; the extension tells it apart from a plain archive.
    magic: 'zip',
  },
  { id: 'TXT', extensions: ['.txt'], mimeTypes: ['text/plain'], kind: 'file', magic: 'text' },
  { id: 'MP3', extensions: ['.mp3'], mimeTypes: ['audio/mpeg', 'audio/mp3'], kind: 'audio', magic: 'mp3' },
  {
    id: 'WAV',
    extensions: ['.wav'],
    mimeTypes: ['audio/wav', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave'],
    kind: 'audio',
    magic: 'wav',
  },
];

/**
 * Types HighLevel's newer reference page lists beyond HighLevel's 13 documented types, with their content checks,
 * for callers to allow by id (`allowedTypes={['PDF', 'HEIC']}`). Not allowed by default.
 */
export const EXTRA_FILE_TYPES: readonly FileTypeSpec[] = [
  { id: 'GIF', extensions: ['.gif'], mimeTypes: ['image/gif'], kind: 'image', magic: 'gif' },
  { id: 'WEBP', extensions: ['.webp'], mimeTypes: ['image/webp'], kind: 'image', magic: 'webp' },
  // Most browsers cannot show HEIC: it is previewed as a file card.
  { id: 'HEIC', extensions: ['.heic', '.heif'], mimeTypes: ['image/heic', 'image/heif'], kind: 'file', magic: 'heic' },
  { id: 'CSV', extensions: ['.csv'], mimeTypes: ['text/csv'], kind: 'file', magic: 'text' },
  { id: 'XLS', extensions: ['.xls'], mimeTypes: ['application/vnd.ms-excel'], kind: 'file', magic: 'ole' },
  {
    id: 'XLSX',
    extensions: ['.xlsx'],
    mimeTypes: ['application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
    kind: 'file',
    magic: 'zip',
  },
  { id: 'PPT', extensions: ['.ppt'], mimeTypes: ['application/vnd.ms-powerpoint'], kind: 'file', magic: 'ole' },
  {
    id: 'PPTX',
    extensions: ['.pptx'],
    mimeTypes: ['application/vnd.openxmlformats-officedocument.presentationml.presentation'],
    kind: 'file',
    magic: 'zip',
  },
];

/** The id of a type this package knows: HighLevel's 13 documented types and {@link EXTRA_FILE_TYPES}. */
export type FileTypeId =
  | 'JPG' | 'JPEG' | 'PNG' | 'MP4' | 'MPEG' | 'ZIP' | 'RAR' | 'PDF' | 'DOC' | 'DOCX' | 'TXT' | 'MP3' | 'WAV'
  | 'GIF' | 'WEBP' | 'HEIC' | 'CSV' | 'XLS' | 'XLSX' | 'PPT' | 'PPTX';

/** An allowed type: a known one by id, or a spec of the caller's own. */
export type FileTypeInput = FileTypeId | FileTypeSpec;

const KNOWN_TYPES = new Map([...DEFAULT_FILE_TYPES, ...EXTRA_FILE_TYPES].map((type) => [type.id, type]));

/**
 * The specs of an allow-list given by id or spec (`['PDF', 'PNG']`, or `[...DEFAULT_FILE_TYPES,
 * myType]`), in its order; ids are matched whatever their case. Throws a `TypeError` naming an
 * unknown id, so that a typo fails at start-up rather than refusing every file.
 */
export function resolveFileTypes(input: readonly FileTypeInput[] | undefined): readonly FileTypeSpec[] {
  if (input === undefined) return DEFAULT_FILE_TYPES;
  return input.map((entry) => {
    if (typeof entry !== 'string') return entry;
    const type = KNOWN_TYPES.get(entry.toUpperCase());
    if (!type) throw new TypeError(`Unknown file type "${entry}". Known: ${[...KNOWN_TYPES.keys()].join(', ')}; or pass a FileTypeSpec.`);
    return type;
  });
}

/** The lower-case extension of a file name with its dot (`photo.JPG` → `.jpg`), or `''`. */
export function extensionOf(fileName: string): string {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 ? fileName.slice(dot).toLowerCase() : '';
}

/** The type a file name belongs to, by extension, or `undefined` when it is not allowed. */
export function findFileType(
  fileName: string,
  types: readonly FileTypeSpec[] = DEFAULT_FILE_TYPES,
): FileTypeSpec | undefined {
  const ext = extensionOf(fileName);
  return ext ? types.find((type) => type.extensions.includes(ext)) : undefined;
}

/** `JPG, JPEG, PNG…`: the allow-list in words a user reads. */
export function describeFileTypes(types: readonly FileTypeSpec[] = DEFAULT_FILE_TYPES): string {
  return types.map((type) => type.id).join(', ');
}

/**
 * The value of an `<input type="file" accept>` attribute for the allow-list: extensions and MIME
 * types both, so the picker offers files whose MIME type the operating system does not know.
 */
export function acceptAttribute(types: readonly FileTypeSpec[] = DEFAULT_FILE_TYPES): string {
  const all = types.flatMap((type) => [...type.extensions, ...type.mimeTypes]);
  return [...new Set(all)].join(',');
}
