import { uploadError } from '../shared/upload-error.js';
import type { UploadResponseBody } from '../shared/wire.js';
import { checkRequest } from './check-request.js';
import { errorResponse, jsonResponse } from './error-response.js';
import { forwardUpload } from './forward-upload.js';
import { resolveOptions, type UploadHandlerOptions } from './options.js';
import { proxyPreview } from './proxy-preview.js';

/** A Web-standard request handler: Next.js route handlers, Hono, Workers-style runtimes. */
export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * Creates the BFF route. `POST` takes `multipart/form-data` with a `conversationId` field and one
 * or more `file` parts, checks it, streams the files to HighLevel with the server's token and
 * answers `{ files: [{ name, url, mimeType, size, kind }] }`, or `{ error: { code, message } }`
 * with the status of the code. `GET ?url=` streams a file HighLevel stored back for preview.
 */
export function createUploadHandler(options: UploadHandlerOptions): FetchHandler {
  const resolved = resolveOptions(options);
  return async (request) => {
    const started = Date.now();
    try {
      if (request.method === 'GET') return await proxyPreview(request, resolved);
      if (request.method !== 'POST') throw uploadError('method-not-allowed');
      checkRequest(request, resolved);
      const files = await forwardUpload(request, resolved);
      resolved.logger.info?.('uploaded', {
        files: files.length,
        bytes: files.reduce((sum, file) => sum + file.size, 0),
        ms: Date.now() - started,
      });
      const body: UploadResponseBody = { files };
      return jsonResponse(200, body);
    } catch (error) {
      return errorResponse(error, resolved.logger);
    }
  };
}
