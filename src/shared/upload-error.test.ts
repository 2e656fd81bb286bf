import { describe, expect, it } from 'vitest';
import { uploadError, UploadError, isUploadError } from './upload-error.js';

describe('uploadError', () => {
  it('takes one object: the message values, the details and the cause', () => {
    const cause = new Error('socket hang up');
    const error = uploadError('rate-limited', { values: { seconds: 7 }, details: { retryAfter: 7, fileName: 'a.png' }, cause });
    expect(error).toMatchObject({ code: 'rate-limited', retryAfter: 7, fileName: 'a.png', status: 429 });
    expect(error.message).toContain('7');
    expect(error.cause).toBe(cause);
  });

  it('leaves out what it is not given: no cause at all, not an undefined one', () => {
    const error = uploadError('highlevel-unavailable');
    expect('cause' in error).toBe(false);
    expect(error.retryAfter).toBeUndefined();
  });

  it('still takes the deprecated positional form and makes the same error', () => {
    const cause = new Error('down');
    const old = uploadError('rate-limited', { seconds: 3 }, { retryAfter: 3 }, { cause });
    const current = uploadError('rate-limited', { values: { seconds: 3 }, details: { retryAfter: 3 }, cause });
    expect(old.message).toBe(current.message);
    expect(old).toMatchObject({ code: current.code, retryAfter: 3 });
    expect(old.cause).toBe(cause);
    expect(uploadError('too-many-files', { maxFiles: 5 }).message).toContain('5');
    // One key that is not an init key makes the object message values, whatever else it holds.
    expect(uploadError('too-many-files', { maxFiles: 5, cause: 'x' }).message).toContain('5');
    // With details or options beside it, the object is message values even when its keys are init names.
    expect(uploadError('rate-limited', { cause: 'v' }, { retryAfter: 3 }).retryAfter).toBe(3);
    expect(uploadError('rate-limited', { cause: 'v' }, undefined, { cause }).cause).toBe(cause);
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
