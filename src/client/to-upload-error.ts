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
  if (isCancelled(error)) return uploadError('cancelled', { details: { fileName } });
  if (isAnswered(error)) {
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
  return uploadError('network', { details: { fileName }, cause: error });
}

/**
 * axios' errors are recognised by shape, not by class: axios is loaded on first need, and this
 * module must not pull it into the page's first paint.
 */
interface AnsweredError {
  response: { status: number; data: unknown; headers: unknown };
}

function isAnswered(error: unknown): error is AnsweredError {
  const response = (error as { isAxiosError?: boolean; response?: { status?: unknown } } | null)?.response;
  return (error as { isAxiosError?: boolean } | null)?.isAxiosError === true && typeof response?.status === 'number';
}

function isCancelled(error: unknown): boolean {
  if (error instanceof DOMException && error.name === 'AbortError') return true;
  // axios' CanceledError: `__CANCEL__` is how axios' own isCancel knows it.
  return (error as { __CANCEL__?: boolean } | null)?.__CANCEL__ === true;
}
