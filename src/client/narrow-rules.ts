import { DEFAULT_FILE_TYPES, EXTRA_FILE_TYPES, resolveFileTypes, type FileTypeInput, type FileTypeSpec } from '../shared/file-types.js';
import { DEFAULT_MAX_FILE_SIZE } from '../shared/limits.js';
import type { PolicyFileType, UploadPolicy } from '../shared/wire.js';

/** The rules a file is held to in the browser, as they stand. */
export interface UploadRules {
  readonly allowedTypes: readonly FileTypeSpec[];
  /** Bytes per file; a file of exactly this size passes. */
  readonly maxFileSize: number;
}

/** What the widget was told, before the server's word. */
export interface OwnRules {
  allowedTypes?: readonly FileTypeInput[];
  maxFileSize?: number;
}

const KNOWN = new Map([...DEFAULT_FILE_TYPES, ...EXTRA_FILE_TYPES].map((type) => [type.id, type]));

/**
 * The widget's own rules narrowed by the server's policy: a type passes when both allow its
 * extension, a size when it is under both limits. What the widget leaves unset is the server's
 * word; without a policy (not answered yet, or a BFF that does not serve one) the widget's own
 * rules and their defaults apply. The server's policy never widens what the widget was told.
 */
export function narrowRules(own: OwnRules, policy: UploadPolicy | null | undefined): UploadRules {
  const ownTypes = own.allowedTypes === undefined ? undefined : resolveFileTypes(own.allowedTypes);
  if (!policy) return { allowedTypes: ownTypes ?? DEFAULT_FILE_TYPES, maxFileSize: own.maxFileSize ?? DEFAULT_MAX_FILE_SIZE };
  const maxFileSize = Math.min(own.maxFileSize ?? Infinity, policy.maxFileSize);
  if (!ownTypes) return { allowedTypes: policy.allowedTypes.map(specOf), maxFileSize };
  const extensions = new Set(policy.allowedTypes.flatMap((type) => type.extensions));
  const mimeTypes = new Set(policy.allowedTypes.flatMap((type) => type.mimeTypes));
  const allowedTypes = ownTypes.flatMap((type) => {
    const both = type.extensions.filter((ext) => extensions.has(ext));
    return both.length === 0 ? [] : [{ ...type, extensions: both, mimeTypes: type.mimeTypes.filter((mime) => mimeTypes.has(mime)) }];
  });
  return { allowedTypes, maxFileSize };
}

/** A type of the server's policy as a spec: the known one of that id, or a plain file type. */
function specOf({ id, extensions, mimeTypes }: PolicyFileType): FileTypeSpec {
  const known = KNOWN.get(id);
  return { id, extensions, mimeTypes, kind: known?.kind ?? 'file', magic: known?.magic ?? 'unchecked' };
}
