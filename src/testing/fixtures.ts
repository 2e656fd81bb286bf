import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_FILE_TYPES, EXTRA_FILE_TYPES, findFileType, type FileTypeSpec } from '../shared/file-types.js';

/** The folder of real sample files, one per allowed type (made by scripts/make-fixtures.py). */
// Built from the module's path, not `new URL(…)`: under happy-dom, URL is the DOM's.
export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'e2e', 'fixtures');

export interface Fixture {
  name: string;
  type: FileTypeSpec;
  bytes: Uint8Array;
}

/** Every fixture, in the order of the allowed-types table. */
export function allFixtures(): Fixture[] {
  return DEFAULT_FILE_TYPES.map((type) => fixture(`sample${type.extensions[0]}`));
}

/** Every fixture of {@link EXTRA_FILE_TYPES} (GIF, WebP, HEIC, CSV, XLS(X), PPT(X)). */
export function extraFixtures(): Fixture[] {
  return EXTRA_FILE_TYPES.map((type) => fixture(`sample${type.extensions[0]}`));
}

export function fixture(name: string): Fixture {
  const type = findFileType(name, [...DEFAULT_FILE_TYPES, ...EXTRA_FILE_TYPES]);
  if (!type) throw new Error(`no allowed type for ${name}`);
  return { name, type, bytes: new Uint8Array(readFileSync(join(FIXTURES_DIR, name))) };
}

/**
 * A real PNG of exactly `size` bytes (at least the fixture's 282): the fixture, padded after its
 * IEND chunk, which decoders ignore. The padding depends on `seed` (by default a new one each
 * call), so files differ unless asked to be the same.
 */
let lastSeed = 0;
export function pngOfSize(size: number, seed = ++lastSeed): Uint8Array {
  const png = fixture('sample.png').bytes;
  const bytes = new Uint8Array(Math.max(size, png.length));
  bytes.set(png);
  for (let i = png.length; i < bytes.length; i += 1) bytes[i] = (i + seed) % 251;
  return bytes;
}
