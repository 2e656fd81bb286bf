import { AxiosError, isCancel } from 'axios';
import { codeForStatus, isErrorCode } from '../shared/error-codes.js';
import { DEFAULT_ERROR_MESSAGES } from '../shared/messages.js';
import { UploadError, isUploadError, uploadError } from '../shared/upload-error.js';
import type { ErrorResponseBody } from '../shared/wire.js';

/**
 * Whatever an upload request threw, as the same {@link UploadError} the server raised: the code
 * from our body when there is one, else from the status, else `network` or `cancelled`.
 */
export function toUploadError(error: unknown, fileName?: string): UploadError {
  if (isUploadError(error)) return error;
  if (isCancel(error) || (error instanceof DOMException && error.name === 'AbortError')) {
    return uploadError('cancelled', {}, { fileName });
  }
  if (error instanceof AxiosError && error.response) {
    const { status, data, headers } = error.response;
    const body = (data as Partial<ErrorResponseBody> | undefined)?.error;
    const retryHeader = Number((headers as Record<string, unknown>)['retry-after']);
    const retryAfter = body?.retryAfter ?? (Number.isFinite(retryHeader) && retryHeader > 0 ? retryHeader : undefined);
    if (body && isErrorCode(body.code)) {
      return new UploadError(body.code, String(body.message ?? DEFAULT_ERROR_MESSAGES[body.code]), { retryAfter, fileName });
    }
    const code = codeForStatus(status);
    return new UploadError(code, DEFAULT_ERROR_MESSAGES[code], { retryAfter, fileName }, { cause: error });
  }
  return uploadError('network', {}, { fileName }, { cause: error });
}
