import type { FileTypeSpec } from '../shared/file-types.js';
import type { PolicyFileType, UploadPolicy } from '../shared/wire.js';

/** The rules a file is held to in the browser, as they stand. */
export interface UploadRules {
  readonly allowedTypes: readonly FileTypeSpec[];
  /** Bytes per file; a file of exactly this size passes. */
  readonly maxFileSize: number;
}

/** What the uploader was told, before the server's word: unset is `undefined`. */
export interface OwnRules {
  /** Resolved (`resolveFileTypes`). */
  allowedTypes?: readonly FileTypeSpec[];
  maxFileSize?: number;
}

/**
 * The uploader's own rules narrowed by the server's policy: a type passes when both allow its
 * extension, a size when it is under both limits; what the uploader leaves unset is the server's
 * word. The server's policy never widens what the uploader was told. `known` gives a type of the
 * policy its preview kind and content family by id (the package's table); others are plain files.
 */
// Stryker disable next-line ArrayDeclaration: a default list that holds no type names no policy type's id
export function narrowRules(own: OwnRules, policy: UploadPolicy, known: readonly FileTypeSpec[] = []): UploadRules {
  const maxFileSize = Math.min(own.maxFileSize ?? Infinity, policy.maxFileSize);
  if (!own.allowedTypes) return { allowedTypes: policy.allowedTypes.map((type) => specOf(type, known)), maxFileSize };
  const extensions = new Set(policy.allowedTypes.flatMap((type) => type.extensions));
  const mimeTypes = new Set(policy.allowedTypes.flatMap((type) => type.mimeTypes));
  const allowedTypes = own.allowedTypes.flatMap((type) => {
    const both = type.extensions.filter((ext) => extensions.has(ext));
    return both.length === 0 ? [] : [{ ...type, extensions: both, mimeTypes: type.mimeTypes.filter((mime) => mimeTypes.has(mime)) }];
  });
  return { allowedTypes, maxFileSize };
}

function specOf({ id, extensions, mimeTypes }: PolicyFileType, known: readonly FileTypeSpec[]): FileTypeSpec {
  const same = known.find((type) => type.id === id);
  return { id, extensions, mimeTypes, kind: same?.kind ?? 'file', magic: same?.magic ?? 'unchecked' };
}
