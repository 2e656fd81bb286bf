import { describe, expect, it } from 'vitest';
import { DEFAULT_FILE_TYPES, EXTRA_FILE_TYPES, acceptAttribute, extensionOf, findFileType, resolveFileTypes } from './file-types.js';

describe('the file types a host can turn on', () => {
  const ALL = [...DEFAULT_FILE_TYPES, ...EXTRA_FILE_TYPES];

  it('each has an upper-case id, extensions with their dot, MIME types a browser reports, and a content check', () => {
    expect(new Set(ALL.map((type) => type.id)).size).toBe(ALL.length);
    for (const type of ALL) {
      expect(type.id, JSON.stringify(type)).toMatch(/^[A-Z0-9]+$/);
      expect(type.extensions.length, type.id).toBeGreaterThan(0);
      for (const extension of type.extensions) expect(extension, type.id).toMatch(/^\.[a-z0-9]+$/);
      expect(type.mimeTypes.length, type.id).toBeGreaterThan(0);
      for (const mime of type.mimeTypes) expect(mime, type.id).toMatch(/^(image|video|audio|application|text)\/[a-z0-9.+-]+$/);
      expect(['image', 'video', 'audio', 'pdf', 'file']).toContain(type.kind);
      expect(type.magic, type.id).toBeTruthy();
    }
  });

  it('every extra type is turned on by its id, any case, and then judges its own extensions', () => {
    for (const type of EXTRA_FILE_TYPES) {
      const [resolved] = resolveFileTypes([type.id.toLowerCase() as never]);
      expect(resolved).toBe(type);
      for (const extension of type.extensions) expect(findFileType(`sample${extension.toUpperCase()}`, [resolved!])).toBe(type);
      expect(acceptAttribute([type])).toContain(type.mimeTypes[0]);
    }
    // Off by default.
    expect(findFileType('a.gif', DEFAULT_FILE_TYPES)).toBeUndefined();
  });

  it('the browser types each kind of phone and PC reports are all accepted', () => {
    const accept = acceptAttribute(DEFAULT_FILE_TYPES);
    for (const mime of ['image/pjpeg', 'application/x-zip-compressed', 'application/x-rar-compressed', 'application/x-rar', 'audio/mp3', 'audio/x-wav', 'audio/wave', 'audio/vnd.wave']) {
      expect(accept, mime).toContain(mime);
    }
  });

  it('an extension is the last dot on, lower-cased; a name without one, or a dotfile, has none', () => {
    expect(extensionOf('Scan.2024.PDF')).toBe('.pdf');
    expect(extensionOf('README')).toBe('');
    expect(extensionOf('.env')).toBe('');
  });

  it('a typo in an allow-list fails at start-up, naming what is known', () => {
    expect(() => resolveFileTypes(['PDF', 'EXE' as never])).toThrow(/Unknown file type "EXE"\. Known: JPG, JPEG, PNG, .*PPTX; or pass a FileTypeSpec\./);
  });
});
