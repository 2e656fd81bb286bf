import { describe, expect, it } from 'vitest';
import { codeForStatus, isErrorCode } from './error-codes.js';
import { DEFAULT_FILE_TYPES, EXTRA_FILE_TYPES, acceptAttribute, extensionOf, findFileType, resolveFileTypes } from './file-types.js';
import { originMatches } from './highlevel-origins.js';
import { UploadError, isUploadError } from './upload-error.js';

/**
 * The shared tables and their readers, as client and server rely on them: codes from the wire,
 * answers that are not ours, errors from another bundle's copy, the file types a host can turn
 * on, and the origin patterns a custom page is framed by.
 */
describe('error codes from the wire', () => {
  it('only a string that is one of our codes is a code, not anything that prints as one', () => {
    expect(isErrorCode('file-too-large')).toBe(true);
    expect(isErrorCode(['internal'])).toBe(false);
    expect(isErrorCode({ toString: () => 'internal' })).toBe(false);
    expect(isErrorCode('toString')).toBe(false);
  });

  it('a bare status (a proxy’s page, a host server’s own answer) becomes the nearest code', () => {
    expect(codeForStatus(403)).toBe('forbidden-origin');
    expect(codeForStatus(415)).toBe('file-type-not-allowed');
    expect(codeForStatus(500)).toBe('highlevel-unavailable');
    expect(codeForStatus(499)).toBe('bad-request');
    expect(codeForStatus(400)).toBe('bad-request');
    // A redirect or a success without our body is not the client's fault.
    expect(codeForStatus(302)).toBe('internal');
    expect(codeForStatus(200)).toBe('internal');
  });
});

describe('isUploadError across bundle copies', () => {
  it('knows ours, and another copy’s by its name and code, and nothing else', () => {
    expect(isUploadError(new UploadError('file-empty', 'Empty.'))).toBe(true);
    // Another copy of the package (an app and a plugin each bundling it): another class.
    expect(isUploadError(Object.assign(new Error('x'), { name: 'UploadError', code: 'file-empty' }))).toBe(true);
    expect(isUploadError(Object.assign(new Error('x'), { name: 'UploadError' }))).toBe(false);
    expect(isUploadError(Object.assign(new Error('x'), { code: 'file-empty' }))).toBe(false);
    expect(isUploadError({ name: 'UploadError', code: 'file-empty', message: 'x' })).toBe(false);
  });
});

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

describe('origin patterns (frame ancestors, SSO)', () => {
  it('a wildcard is a whole pattern: scheme, *., a domain, nothing before or after', () => {
    expect(originMatches('https://agency.gohighlevel.com', 'https://*.gohighlevel.com')).toBe(true);
    expect(originMatches('http://crm.local.test', 'http://*.local.test')).toBe(true);
    expect(originMatches('https://agency.gohighlevel.com', 'x https://*.gohighlevel.com')).toBe(false);
    expect(originMatches('https://agency.gohighlevel.com', 'https://*.gohighlevel.com/app')).toBe(false);
    expect(originMatches('https://gohighlevel.com.evil.example', 'https://*.gohighlevel.com')).toBe(false);
    expect(originMatches('https://agency.gohighlevel.com:8443', 'https://*.gohighlevel.com')).toBe(false);
  });
});
