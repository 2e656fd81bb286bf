import { describe, expect, it } from 'vitest';
import { MAX_FILE_NAME_LENGTH, checkFile, isSafeFileName } from './check-file.js';
import { ERROR_STATUS, codeForStatus, isErrorCode } from './error-codes.js';
import { DEFAULT_FILE_TYPES, acceptAttribute, describeFileTypes, extensionOf, findFileType } from './file-types.js';
import { DEFAULT_MAX_FILES_PER_REQUEST, DEFAULT_MAX_FILE_SIZE, formatBytes } from './limits.js';
import { DEFAULT_ERROR_MESSAGES, formatMessage } from './messages.js';

describe('the allowed-types table', () => {
  it('holds exactly HighLevel’s 13 documented types', () => {
    expect(DEFAULT_FILE_TYPES.map((type) => type.id)).toEqual([
      'JPG', 'JPEG', 'PNG', 'MP4', 'MPEG', 'ZIP', 'RAR', 'PDF', 'DOC', 'DOCX', 'TXT', 'MP3', 'WAV',
    ]);
  });

  it('gives each type extensions, MIME types, a preview kind and a magic family', () => {
    for (const type of DEFAULT_FILE_TYPES) {
      expect(type.extensions.length).toBeGreaterThan(0);
      for (const ext of type.extensions) expect(ext).toMatch(/^\.[a-z0-9]+$/);
      expect(type.mimeTypes[0]).toMatch(/^[a-z]+\/[\w.+-]+$/);
      expect(['image', 'video', 'audio', 'pdf', 'file']).toContain(type.kind);
      expect(type.magic).toBeTruthy();
    }
    const kinds = Object.fromEntries(DEFAULT_FILE_TYPES.map((type) => [type.id, type.kind]));
    expect(kinds).toMatchObject({ PNG: 'image', JPG: 'image', MP4: 'video', MP3: 'audio', WAV: 'audio', PDF: 'pdf', ZIP: 'file' });
  });

  it('never claims one extension for two types', () => {
    const all = DEFAULT_FILE_TYPES.flatMap((type) => type.extensions);
    expect(new Set(all).size).toBe(all.length);
  });

  it('finds a type by extension, whatever its case, and nothing for others', () => {
    expect(findFileType('Photo.JPG')?.id).toBe('JPG');
    expect(findFileType('clip.mpg')?.id).toBe('MPEG');
    expect(findFileType('archive.tar.zip')?.id).toBe('ZIP');
    expect(findFileType('setup.exe')).toBeUndefined();
    expect(findFileType('png')).toBeUndefined();
    expect(findFileType('.png')).toBeUndefined();
    expect(extensionOf('a.b.DOCX')).toBe('.docx');
  });

  it('lists types for people and for the file picker', () => {
    expect(describeFileTypes()).toBe('JPG, JPEG, PNG, MP4, MPEG, ZIP, RAR, PDF, DOC, DOCX, TXT, MP3, WAV');
    const accept = acceptAttribute().split(',');
    expect(accept).toContain('.rar');
    expect(accept).toContain('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    expect(new Set(accept).size).toBe(accept.length);
  });
});

describe('checkFile', () => {
  it('passes a file of exactly the limit and refuses one byte more', () => {
    expect(DEFAULT_MAX_FILE_SIZE).toBe(5_242_880);
    expect(checkFile({ name: 'a.png', size: 5_242_880 })).toBeNull();
    expect(checkFile({ name: 'a.png', size: 5_242_881 })).toBe('file-too-large');
    expect(checkFile({ name: 'a.png', size: 11 }, { maxFileSize: 10 })).toBe('file-too-large');
  });

  it('says why a file is refused', () => {
    expect(checkFile({ name: 'a.exe', size: 1 })).toBe('file-type-not-allowed');
    expect(checkFile({ name: 'a.pdf', size: 0 })).toBe('file-empty');
    expect(checkFile({ name: 'a.png', size: 1 }, { allowedTypes: DEFAULT_FILE_TYPES.filter((t) => t.id === 'PDF') })).toBe(
      'file-type-not-allowed',
    );
    expect(checkFile({ name: 'bad\u0007.png', size: 1 })).toBe('invalid-file-name');
    expect(checkFile({ name: 'invoice\u202Efdp.zip', size: 1 })).toBe('invalid-file-name');
  });

  it('refuses names with path parts, control characters, blanks or too many characters', () => {
    for (const name of ['.', '../a.png', 'dir/a.png', 'c:\\x\\a.png', 'a\r\n.png', 'a\u0000.png', '   ', '..', 'x'.repeat(MAX_FILE_NAME_LENGTH - 3) + '.png']) {
      expect(isSafeFileName(name), JSON.stringify(name)).toBe(false);
    }
    // Names that read differently from what they are: bidi controls, invisible characters.
    for (const name of ['invoice\u202Efdp.zip', 'a\u2066b.png', 'in\u200Bvoice.pdf', '\uFEFFa.png', 'a\u00ADb.png', 'a\u0085b.png', 'a\u2060b.png']) {
      expect(isSafeFileName(name), JSON.stringify(name)).toBe(false);
    }
    // Emoji sequences and scripts that need the zero-width joiners stay allowed.
    for (const name of ['👨\u200D👩\u200D👧.jpg', 'می\u200Cخواهم.pdf', 'a.png', 'Résumé 2026 (final).docx', '写真.jpg', 'x'.repeat(MAX_FILE_NAME_LENGTH - 4) + '.png']) {
      expect(isSafeFileName(name), name).toBe(true);
    }
  });
});

describe('the error table', () => {
  it('gives every code a status and English words', () => {
    for (const code of Object.keys(ERROR_STATUS)) {
      expect(isErrorCode(code)).toBe(true);
      expect(DEFAULT_ERROR_MESSAGES[code as keyof typeof ERROR_STATUS]).toMatch(/\w/);
    }
    expect(ERROR_STATUS['file-too-large']).toBe(413);
    expect(ERROR_STATUS['file-type-not-allowed']).toBe(415);
    expect(ERROR_STATUS['rate-limited']).toBe(429);
    expect(isErrorCode('toString')).toBe(false);
  });

  it('reads a bare status back as a code', () => {
    expect(codeForStatus(413)).toBe('file-too-large');
    expect(codeForStatus(429)).toBe('rate-limited');
    expect(codeForStatus(503)).toBe('server-busy');
    expect(codeForStatus(502)).toBe('highlevel-unavailable');
    expect(codeForStatus(504)).toBe('highlevel-timeout');
    expect(codeForStatus(401)).toBe('unauthorized');
    expect(codeForStatus(404)).toBe('endpoint-not-found');
  });

  it('fills placeholders', () => {
    expect(formatMessage(DEFAULT_ERROR_MESSAGES['file-too-large'], { maxSize: formatBytes(DEFAULT_MAX_FILE_SIZE) })).toBe(
      'The file is too large for HighLevel (5 MB max).',
    );
    expect(formatMessage('{a}-{b}', { a: 1 })).toBe('1-');
  });

  it('steps up a unit at exactly 1024, rounds to whole units from 10 on, and stops at GB', () => {
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1024)).toBe('1 KB');
    expect(formatBytes(15_872)).toBe('16 KB'); // 15.5 KB: no decimal from 10 on
    expect(formatBytes(9.25 * 1024)).toBe('9.3 KB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5 GB');
    expect(formatBytes(3 * 1024 ** 4)).toBe('3072 GB');
    expect(formatBytes(15_872, 'en')).toBe('16 kB');
  });

  it('formats sizes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(DEFAULT_MAX_FILE_SIZE)).toBe('5 MB');
    expect(formatBytes(8.4 * 1024 * 1024)).toBe('8.4 MB');
    expect(DEFAULT_MAX_FILES_PER_REQUEST).toBe(5);
  });
});

describe('formatBytes in the user’s locale', () => {
  it('uses the locale’s decimal mark and unit names', () => {
    // (Between number and unit: the locale's own space, a no-break one in French.)
    expect(formatBytes(5_242_880, 'fr')).toMatch(/^5\sMo$/);
    expect(formatBytes(1126, 'fr')).toMatch(/^1,1\sko$/);
    expect(formatBytes(8.4 * 1024 * 1024, 'de')).toMatch(/^8,4\sMB$/);
    expect(formatBytes(1126, 'en')).toBe('1.1 kB');
    expect(formatBytes(1000, 'en')).toBe('1,000 B');
    expect(formatBytes(1000, 'fr')).toMatch(/^1\s000\so$/);
    expect(formatBytes(5 * 1024 ** 3, 'en')).toBe('5 GB');
    // Without a locale: the server's words, as before.
    expect(formatBytes(1536)).toBe('1.5 KB');
  });
});
