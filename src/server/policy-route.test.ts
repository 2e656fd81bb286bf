/**
 * `GET {route}/config`: the route says what it accepts, as the handler was configured, with the
 * CORS and cross-site rules of every GET; the paths it shares with previews and uploads keep
 * their meaning.
 */
import { describe, expect, it } from 'vitest';
import type { UploadPolicy } from '../shared/wire.js';
import { createUploadHandler, staticToken, type UploadHandlerOptions } from './index.js';

const handler = (options: Partial<UploadHandlerOptions> = {}) =>
  createUploadHandler({ getToken: staticToken('pit'), locationId: 'loc1', authorize: () => false, previewSecret: 'x'.repeat(32), ...options });

const get = (url: string, headers: Record<string, string> = {}) => new Request(url, { headers });

describe('GET {route}/config', () => {
  it('answers the allowed types (ids, extensions, MIME types), the size limit, files per request, and no session needed', async () => {
    const response = await handler({ allowedTypes: ['PDF', 'HEIC'], maxFileSize: 1_000_000, maxFilesPerRequest: 2 })(
      get('https://app.example/api/attachments/config'),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect((await response.json()) as UploadPolicy).toEqual({
      allowedTypes: [
        { id: 'PDF', extensions: ['.pdf'], mimeTypes: ['application/pdf'] },
        { id: 'HEIC', extensions: ['.heic', '.heif'], mimeTypes: ['image/heic', 'image/heif'] },
      ],
      maxFileSize: 1_000_000,
      maxFilesPerRequest: 2,
      sessionRequired: false,
    });
  });

  it('the defaults: HighLevel’s 13 documented types, 5 MB, 5 per request; with SSO a session is required; a trailing slash is the same path', async () => {
    const plain = (await (await handler()(get('https://app.example/api/attachments/config/'))).json()) as UploadPolicy;
    expect(plain.allowedTypes.map((type) => type.id)).toEqual(['JPG', 'JPEG', 'PNG', 'MP4', 'MPEG', 'ZIP', 'RAR', 'PDF', 'DOC', 'DOCX', 'TXT', 'MP3', 'WAV']);
    expect(plain).toMatchObject({ maxFileSize: 5 * 1024 * 1024, maxFilesPerRequest: 5, sessionRequired: false });
    const sso = handler({ locationId: undefined, highLevelSso: { sharedSecret: 's'.repeat(32) } });
    expect(((await (await sso(get('https://app.example/api/attachments/config'))).json()) as UploadPolicy).sessionRequired).toBe(true);
  });

  it('CORS as for every GET: an allowed origin may read it, another gets no CORS header; a cross-site page is refused unless origins are allowed', async () => {
    const route = handler({ allowedOrigins: ['https://crm.example'] });
    const allowed = await route(get('https://app.example/api/attachments/config', { Origin: 'https://crm.example', 'Sec-Fetch-Site': 'cross-site' }));
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://crm.example');
    const other = await route(get('https://app.example/api/attachments/config', { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' }));
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    const closed = await handler()(get('https://app.example/api/attachments/config', { 'Sec-Fetch-Site': 'cross-site' }));
    expect(closed.status).toBe(403);
    expect(((await closed.json()) as { error: { code: string } }).error.code).toBe('forbidden-origin');
  });

  it('other paths and methods keep their meaning: a preview link stays a preview, a POST stays an upload', async () => {
    const route = handler();
    // A route mounted at a path ending in /config: its preview links are still previews.
    const preview = await route(get('https://app.example/config?preview=not-signed'));
    expect(((await preview.json()) as { error: { code: string } }).error.code).toBe('preview-link-invalid');
    const post = await route(new Request('https://app.example/api/attachments/config', { method: 'POST' }));
    expect(((await post.json()) as { error: { code: string } }).error.code).toBe('missing-requested-with');
    const bare = await route(get('https://app.example/api/attachments'));
    expect(bare.status).not.toBe(200);
  });
});
