/**
 * The core's small pure parts, each with the inputs a page meets: the BFF's policy as it comes
 * over the wire (any JSON, from any route), where that policy is asked, the uploader's rules
 * narrowed by it, and the composer's summary of the rows.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QueryClient } from '@tanstack/query-core';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_FILE_TYPES, resolveFileTypes } from '../shared/file-types.js';
import { uploadError } from '../shared/upload-error.js';
import type { UploadPolicy } from '../shared/wire.js';
import { loadPolicy, readPolicy } from './load-policy.js';
import { narrowRules } from './narrow-rules.js';
import { summarizeItems } from './summarize-items.js';
import type { UploadItem } from './upload-item.js';
import { POLICY_QUERY_KEY, cachedPolicy, policyUrl } from './upload-policy.js';

const PDF = { id: 'PDF', extensions: ['.pdf'], mimeTypes: ['application/pdf'] };
const PNG = { id: 'PNG', extensions: ['.png'], mimeTypes: ['image/png'] };
const policy = (over: Partial<Record<keyof UploadPolicy, unknown>> = {}): Record<string, unknown> => ({
  allowedTypes: [PDF],
  maxFileSize: 1000,
  maxFilesPerRequest: 1,
  sessionRequired: false,
  ...over,
});

describe('readPolicy: the BFF’s answer, trusted only once every field is checked', () => {
  it('a policy is read as it is, extensions in lower case, nothing else kept', () => {
    expect(readPolicy({ ...policy({ allowedTypes: [{ ...PDF, extensions: ['.PDF'], note: 'x' }] }), extra: true })).toEqual({
      allowedTypes: [{ id: 'PDF', extensions: ['.pdf'], mimeTypes: ['application/pdf'] }],
      maxFileSize: 1000,
      maxFilesPerRequest: 1,
      sessionRequired: false,
    });
    expect(readPolicy(policy({ allowedTypes: [], sessionRequired: true }))).toMatchObject({ allowedTypes: [], sessionRequired: true });
  });

  it('not an object, or no list of types: no policy', () => {
    for (const body of [null, undefined, 'policy', 3, true, [], [policy()], policy({ allowedTypes: undefined }), policy({ allowedTypes: 'PDF' }), policy({ allowedTypes: {} })]) {
      expect(readPolicy(body), JSON.stringify(body)).toBeNull();
    }
  });

  it('a size or count that is not a positive number: no policy', () => {
    for (const value of [0, -1, Number.NaN, '1000', null, undefined]) {
      expect(readPolicy(policy({ maxFileSize: value })), `maxFileSize ${String(value)}`).toBeNull();
      expect(readPolicy(policy({ maxFilesPerRequest: value })), `maxFilesPerRequest ${String(value)}`).toBeNull();
    }
    expect(readPolicy(policy({ maxFileSize: 1, maxFilesPerRequest: 1 }))).not.toBeNull();
  });

  it('sessionRequired that is not a boolean: no policy', () => {
    for (const value of ['false', 0, null, undefined]) expect(readPolicy(policy({ sessionRequired: value })), String(value)).toBeNull();
  });

  it('one malformed type among good ones: no policy (a partial list would refuse what the server takes)', () => {
    const bad = [null, 'PDF', { ...PDF, id: 1 }, { ...PDF, id: undefined }, { ...PDF, extensions: '.pdf' }, { ...PDF, extensions: [1] }, { ...PDF, mimeTypes: undefined }, { ...PDF, mimeTypes: ['a', 2] }];
    for (const type of bad) expect(readPolicy(policy({ allowedTypes: [PNG, type] })), JSON.stringify(type)).toBeNull();
    expect(readPolicy(policy({ allowedTypes: [PNG, PDF] }))?.allowedTypes).toHaveLength(2);
  });
});

describe('policyUrl: where the route answers its policy', () => {
  it('the route’s path with /config, its query kept, its fragment and trailing slashes dropped', () => {
    expect(policyUrl('/api/attachments')).toBe('/api/attachments/config');
    expect(policyUrl('/api/attachments/')).toBe('/api/attachments/config');
    expect(policyUrl('/api/attachments//')).toBe('/api/attachments/config');
    expect(policyUrl('/api/attachments?tenant=a&x=1')).toBe('/api/attachments/config?tenant=a&x=1');
    expect(policyUrl('/api/attachments/?tenant=a')).toBe('/api/attachments/config?tenant=a');
    expect(policyUrl('/api/attachments#top')).toBe('/api/attachments/config');
    expect(policyUrl('/api/attachments?tenant=a#top')).toBe('/api/attachments/config?tenant=a');
    expect(policyUrl('https://bff.example/a/b?k=v')).toBe('https://bff.example/a/b/config?k=v');
    // An endpoint that is only a query (the page's own path): the query starts at its first character.
    expect(policyUrl('?tenant=a')).toBe('/config?tenant=a');
    expect(policyUrl('#top')).toBe('/config');
    // A slash inside the path is the path's own.
    expect(policyUrl('/api//attachments')).toBe('/api//attachments/config');
  });
});

describe('narrowRules: the uploader’s rules narrowed by the server, never widened', () => {
  const types = resolveFileTypes(['PDF', 'PNG', 'JPG']);

  it('no types of its own: the server’s, with the package’s preview kind and content check where the id is known', () => {
    const rules = narrowRules({}, readPolicy(policy({ allowedTypes: [PNG, { id: 'CUSTOM', extensions: ['.cst'], mimeTypes: ['x/cst'] }] }))!, DEFAULT_FILE_TYPES);
    const png = DEFAULT_FILE_TYPES.find((type) => type.id === 'PNG')!;
    expect(rules.allowedTypes).toEqual([
      { id: 'PNG', extensions: ['.png'], mimeTypes: ['image/png'], kind: png.kind, magic: png.magic },
      { id: 'CUSTOM', extensions: ['.cst'], mimeTypes: ['x/cst'], kind: 'file', magic: 'unchecked' },
    ]);
    expect(png.kind).not.toBe('file');
    expect(rules.maxFileSize).toBe(1000);
  });

  it('types of its own: only the extensions and MIME types both allow', () => {
    const server = readPolicy(policy({ allowedTypes: [PDF, { id: 'JPG', extensions: ['.jpg'], mimeTypes: ['image/jpeg'] }] }))!;
    const rules = narrowRules({ allowedTypes: types }, server);
    expect(rules.allowedTypes.map((type) => type.id)).toEqual(['PDF', 'JPG']);
    const jpg = rules.allowedTypes.find((type) => type.id === 'JPG')!;
    expect(jpg.extensions).toEqual(['.jpg']);
    expect(jpg.mimeTypes).toEqual(['image/jpeg']);
    // What the package knows of the type is kept.
    expect(jpg.kind).toBe(types.find((type) => type.id === 'JPG')!.kind);
  });

  it('the smaller of the two sizes, the server’s when the uploader has none', () => {
    const server = readPolicy(policy({ maxFileSize: 1000 }))!;
    expect(narrowRules({ maxFileSize: 500 }, server).maxFileSize).toBe(500);
    expect(narrowRules({ maxFileSize: 5000 }, server).maxFileSize).toBe(1000);
    expect(narrowRules({}, server).maxFileSize).toBe(1000);
  });
});

describe('summarizeItems: what a composer shows at a glance', () => {
  let n = 0;
  const row = (status: UploadItem['status'], size: number, progress: number, extra: object = {}): UploadItem =>
    ({ id: `r${(n += 1)}`, name: `f${n}.pdf`, size, progress, status, ...(status === 'error' ? { error: uploadError('network') } : {}), ...extra }) as UploadItem;

  it('nothing: not uploading, all sent, every count 0', () => {
    expect(summarizeItems([])).toEqual({ isUploading: false, progress: 1, counts: { queued: 0, shrinking: 0, uploading: 0, processing: 0, done: 0, error: 0, cancelled: 0 } });
  });

  it('counts every status; only waiting, shrinking, sending and processing rows are uploading', () => {
    const items = [row('queued', 10, 0), row('shrinking', 10, 0), row('uploading', 10, 0.5), row('processing', 10, 1), row('done', 10, 1), row('done', 10, 1), row('error', 10, 0), row('cancelled', 10, 0)];
    const summary = summarizeItems(items);
    expect(summary.counts).toEqual({ queued: 1, shrinking: 1, uploading: 1, processing: 1, done: 2, error: 1, cancelled: 1 });
    expect(summary.isUploading).toBe(true);
    for (const status of ['queued', 'shrinking', 'uploading', 'processing'] as const) expect(summarizeItems([row(status, 10, 0)]).isUploading, status).toBe(true);
    for (const status of ['done', 'error', 'cancelled'] as const) expect(summarizeItems([row(status, 10, 0)]).isUploading, status).toBe(false);
  });

  it('a failed row that retries by itself keeps Send disabled; one that waits for the user does not', () => {
    expect(summarizeItems([row('error', 10, 0, { retryAt: Date.now() + 5000 })]).isUploading).toBe(true);
    expect(summarizeItems([row('done', 10, 1), row('error', 10, 0)]).isUploading).toBe(false);
    expect(summarizeItems([row('cancelled', 10, 0, { retryAt: 1 })]).isUploading).toBe(false);
  });

  it('progress: the share of the bytes of rows in progress, weighed by size; finished rows do not count', () => {
    expect(summarizeItems([row('uploading', 300, 0.5), row('queued', 100, 0), row('done', 1000, 1), row('error', 1000, 0.3)]).progress).toBe(150 / 400);
    expect(summarizeItems([row('processing', 100, 1), row('uploading', 100, 0)]).progress).toBe(0.5);
    expect(summarizeItems([row('shrinking', 100, 0.2)]).progress).toBe(0.2);
    // Rows in progress with no bytes (empty files): nothing sent yet.
    expect(summarizeItems([row('queued', 0, 0)]).progress).toBe(0);
    expect(summarizeItems([row('done', 10, 1), row('cancelled', 10, 0.5)]).progress).toBe(1);
  });
});

describe('loadPolicy: the ask', () => {
  it('a plain GET that asks for JSON and adds nothing that needs a preflight; asked once per key', async () => {
    const asked: IncomingHttpHeaders[] = [];
    const server = createServer((req, res) => {
      asked.push(req.headers);
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(policy()));
    });
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/attachments/config`;
      const client = new QueryClient();
      const first = await loadPolicy(client, ['policy', 'a'], url, false);
      expect(first).toMatchObject({ maxFileSize: 1000, allowedTypes: [PDF] });
      expect(await loadPolicy(client, ['policy', 'a'], url, false)).toBe(first);
      expect(asked).toHaveLength(1);
      expect(asked[0]!.accept).toBe('application/json');
      expect(asked[0]!['x-requested-with']).toBeUndefined();
      expect(asked[0]!['content-type']).toBeUndefined();
    } finally {
      server.close();
    }
  });

  it('the browser’s cookies go with it only when asked; the answer is then what the page’s client holds for the endpoint', async () => {
    const server = createServer((_req, res) => res.setHeader('Content-Type', 'application/json').end(JSON.stringify(policy())));
    await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/attachments/config`;
      const client = new QueryClient();
      expect(cachedPolicy(client, '/api/attachments')).toBeUndefined();
      const answered = await loadPolicy(client, [...POLICY_QUERY_KEY, '/api/attachments'], url, false);
      await loadPolicy(new QueryClient(), ['other'], url, true);
      expect(fetchSpy.mock.calls.map(([, init]) => init?.credentials)).toEqual(['same-origin', 'include']);
      expect(cachedPolicy(client, '/api/attachments')).toBe(answered);
      expect(cachedPolicy(client, '/elsewhere')).toBeUndefined();
    } finally {
      fetchSpy.mockRestore();
      server.close();
    }
  });
});
