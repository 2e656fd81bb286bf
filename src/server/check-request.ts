import { uploadError } from '../shared/upload-error.js';
import { REQUESTED_WITH_HEADER, REQUESTED_WITH_VALUE } from '../shared/wire.js';
import { parseContentType } from './content-type.js';
import { ownOrigin } from './cors.js';
import type { Origins } from './resolve-options.js';

/**
 * Refuses, before a byte of the body is read, what a foreign page could send: a plain HTML form
 * (no custom header, not our content type) or a script on another origin.
 */
export function checkRequest(request: Request, origins: Pick<Origins, 'publicOrigin' | 'allowedOrigins'>): void {
  checkCaller(request, origins);
  // Stryker disable next-line StringLiteral: neither default is a multipart type: not-multipart either way
  const header = request.headers.get('content-type') ?? '';
  const contentType = parseContentType(header);
  // Another type, or a form with no parameter at all, is 415; a form whose parameters are broken
  // or name no boundary to read it by, 400.
  const saysMultipart = (contentType?.type ?? header.split(';')[0]!.trim().toLowerCase()) === 'multipart/form-data';
  if (!saysMultipart || (contentType && Object.keys(contentType.parameters).length === 0)) throw uploadError('not-multipart');
  if (!contentType?.parameters.boundary) throw uploadError('bad-request');
}

/**
 * The checks of every call the widget makes (uploads, and the sign-in of HighLevel's SSO): the
 * custom header a form cannot send, and the page's origin.
 */
export function checkCaller(request: Request, origins: Pick<Origins, 'publicOrigin' | 'allowedOrigins'>): void {
  if (request.headers.get(REQUESTED_WITH_HEADER) !== REQUESTED_WITH_VALUE) throw uploadError('missing-requested-with');
  const origin = request.headers.get('origin');
  if (origin !== null) {
    if (origin !== ownOrigin(request, origins) && !origins.allowedOrigins.has(origin)) {
      throw uploadError('forbidden-origin');
    }
  } else if (request.headers.get('sec-fetch-site') === 'cross-site') {
    // Some browsers leave Origin out; Sec-Fetch-Site still tells a foreign page apart.
    throw uploadError('forbidden-origin');
  }
}
