/**
 * What travels between the browser and the BFF. HighLevel's own wire format stays inside the
 * server and the mock; nothing here mentions it.
 */
import type { ErrorCode } from './error-codes.js';
import type { PreviewKind } from './file-types.js';

/**
 * The header every request of ours carries. A cross-site HTML form cannot set it, and a
 * cross-site script that does triggers a CORS preflight the BFF never approves.
 */
export const REQUESTED_WITH_HEADER = 'X-Requested-With';
/** The value of {@link REQUESTED_WITH_HEADER}. */
export const REQUESTED_WITH_VALUE = 'ghl-attachments';

/** The multipart field that names the conversation; it must come before the files. */
export const CONVERSATION_ID_FIELD = 'conversationId';
/** The multipart field of each file. */
export const FILE_FIELD = 'file';

/** One stored file, as the BFF reports it. */
export interface UploadedFile {
  /** The file name as the user chose it. */
  name: string;
  /** Where HighLevel serves it; goes into `attachments` of a message. */
  url: string;
  /**
   * The BFF's signed link to read the file back with the server's token (`GET ?preview=`), for
   * previews that outlive the hour a secure attachment's URL is public. Set by the BFF on every
   * file it can read back; absent on files from elsewhere.
   */
  previewUrl?: string;
  /**
   * The BFF's signed handle of the file, bound to its location and conversation until it
   * expires: what a message's `attachments` name it by (`POST {endpoint}/messages`). Set by the
   * BFF on every file it uploads.
   */
  handle?: string;
  mimeType: string;
  /** Bytes, as counted by the BFF while streaming. */
  size: number;
  kind: PreviewKind;
}

/** The BFF's answer to a successful upload. */
export interface UploadResponseBody {
  files: UploadedFile[];
}

/** The BFF's answer to anything else. */
export interface ErrorResponseBody {
  error: {
    code: ErrorCode;
    message: string;
    /** Seconds, for `rate-limited`. */
    retryAfter?: number;
  };
}

/**
 * The path under the route that answers what it accepts (`GET {endpoint}/config`), so that the
 * widget refuses at drop time what the BFF would refuse after the upload.
 */
export const POLICY_PATH = '/config';

/** One type the route accepts, as its policy names it. */
export interface PolicyFileType {
  /** E.g. `PDF`. */
  id: string;
  /** Lower-case, with the dot. */
  extensions: string[];
  mimeTypes: string[];
}

/** The BFF's answer to `GET {endpoint}/config`: the rules it holds every upload to. */
export interface UploadPolicy {
  allowedTypes: PolicyFileType[];
  /** Bytes per file; a file of exactly this size passes. */
  maxFileSize: number;
  /** Files in one request (the widget sends one file per request). */
  maxFilesPerRequest: number;
  /** Whether uploads need a session of HighLevel's SSO (`POST {endpoint}/session`). */
  sessionRequired: boolean;
}
