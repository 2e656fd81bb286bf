/**
 * The public surface as a user's compiler sees it: these checks fail `tsc` (npm test's first
 * step), not the run, when a name or a type of the 1.0 API changes. The runtime checks below
 * hold the exports themselves.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as root from '../index.js';
import type {
  AttachmentUploaderProps,
  DoneUploadItem,
  FailedUploadItem,
  RejectedFile,
  UploadFileOptions,
  UploadItem,
  UploaderMessagesInput,
} from '../index.js';
import * as server from '../server/index.js';
import type { ErrorCode, UploadHandler } from '../server/index.js';
import * as embed from './index.js';
import type { GhlAttachmentsEventMap } from './index.js';

describe('the public API (1.0)', () => {
  it('UploadItem is a union on status: done has its result, error its error', () => {
    expectTypeOf<Extract<UploadItem, { status: 'done' }>>().toEqualTypeOf<DoneUploadItem>();
    expectTypeOf<DoneUploadItem['result']>().toEqualTypeOf<root.UploadedFile>();
    expectTypeOf<FailedUploadItem['error']>().toEqualTypeOf<root.UploadError>();
    expectTypeOf<RejectedFile['file']>().toEqualTypeOf<File>();
    const label = (item: UploadItem) => (item.status === 'done' ? item.result.url : item.status === 'error' ? item.error.code : item.name);
    expect(label({ id: 'x', name: 'n', size: 1, progress: 0, status: 'queued' })).toBe('n');
  });

  it('one error string can be overridden alone; callbacks are per file', () => {
    expectTypeOf<{ errors: { 'file-too-large': string } }>().toExtend<UploaderMessagesInput>();
    expectTypeOf<AttachmentUploaderProps['onUploadSuccess']>().toEqualTypeOf<((file: root.UploadedFile, item: DoneUploadItem) => void) | undefined>();
    expectTypeOf<AttachmentUploaderProps['onUploadError']>().toEqualTypeOf<((error: root.UploadError, item: FailedUploadItem) => void) | undefined>();
    expectTypeOf<AttachmentUploaderProps>().not.toHaveProperty('onUploaded');
    expectTypeOf<AttachmentUploaderProps>().not.toHaveProperty('onError');
    expectTypeOf<['PDF', 'HEIC']>().toExtend<NonNullable<AttachmentUploaderProps['allowedTypes']>>();
    expect(root.mergeMessages({ errors: { 'file-too-large': 'Too big.' } }).errors['file-empty']).toBe(root.DEFAULT_MESSAGES.errors['file-empty']);
  });

  it('no axios type in the root API', () => {
    expectTypeOf<UploadFileOptions>().not.toHaveProperty('axios');
    expect(Object.keys(root)).not.toContain('toUploadError');
    expect(root.UPLOAD_MUTATION_KEY).toEqual(['ghl-attachments', 'upload']);
    expect(root.DEFAULT_MAX_FILES).toBe(10);
    expect(root.DEFAULT_MAX_FILES_PER_REQUEST).toBe(5);
  });

  it('./server exports the error model and the type tables, not its internals; the handler has GET and POST', () => {
    expectTypeOf<ErrorCode>().toEqualTypeOf<root.ErrorCode>();
    expectTypeOf<UploadHandler['POST']>().toEqualTypeOf<(request: Request) => Promise<Response>>();
    expect(server.UploadError).toBe(root.UploadError);
    expect(server.isUploadError).toBeTypeOf('function');
    expect(server.EXTRA_FILE_TYPES.map((type) => type.id)).toContain('HEIC');
    for (const internal of ['mapHighLevelError', 'retryAfterSeconds', 'MAX_RETRY_AFTER_SECONDS']) expect(Object.keys(server)).not.toContain(internal);
  });

  it('./embed types the element and its events', () => {
    expectTypeOf<HTMLElementTagNameMap['ghl-attachments']>().toEqualTypeOf<embed.GhlAttachmentsElement>();
    expectTypeOf<GhlAttachmentsEventMap['ghl-upload-success']['detail']['file']>().toEqualTypeOf<root.UploadedFile>();
    expectTypeOf<GhlAttachmentsEventMap['ghl-upload-error']['detail']['code']>().toEqualTypeOf<root.ErrorCode>();
    expectTypeOf<DocumentEventMap['ghl-change']['detail']['files']>().toEqualTypeOf<root.UploadedFile[]>();
    expect(embed.ELEMENT_ATTRIBUTES).toContain('max-file-size');
  });
});
