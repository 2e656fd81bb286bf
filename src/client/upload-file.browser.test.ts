/**
 * The upload client's first load in Chromium: axios is loaded on first need, and a page that
 * was offline at that moment must not keep the failure. Once the connection is back, the next
 * upload loads it and goes through (e2e/upload.spec.ts plays the same through the widget).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from 'vitest/browser';
import { isUploadError } from '../shared/upload-error.js';
import { uploadFile } from './upload-file.js';

let endpoint: string;
beforeAll(async () => {
  ({ endpoint } = await commands.startUploadStack(location.origin));
});
afterAll(async () => {
  await commands.restoreScripts();
  await commands.stopUploadStacks();
});

const note = () => new File(['Call back on Monday.\n'], 'note.txt', { type: 'text/plain' });

describe('the upload client loaded on first need', () => {
  it('a load that failed offline is tried again by the next upload, which is stored', async () => {
    await commands.cutScripts('axios');
    const offline = await uploadFile({ file: note(), conversationId: 'conv1', endpoint }).catch((error: unknown) => error);
    expect(isUploadError(offline) && offline.code).toBe('network');

    await commands.restoreScripts();
    const stored = await uploadFile({ file: note(), conversationId: 'conv1', endpoint });
    expect(stored).toMatchObject({ name: 'note.txt', mimeType: 'text/plain' });
    expect(stored.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
  });
});
