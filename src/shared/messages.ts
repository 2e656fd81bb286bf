import type { ErrorCode } from './error-codes.js';

/**
 * English words for every error code. The server sends them as `message`; the UI looks them up
 * by code itself so that a host app can translate them. `{name}` placeholders are filled by
 * {@link formatMessage}.
 */
export const DEFAULT_ERROR_MESSAGES: Record<ErrorCode, string> = {
  'file-type-not-allowed': 'This type of file is not allowed. Allowed: {types}.',
  'file-content-mismatch': 'The file’s content does not match its extension.',
  'file-too-large': 'The file is too large for HighLevel ({maxSize} max).',
  'file-empty': 'The file is empty.',
  'too-many-files': 'Too many files at once ({maxFiles} max).',
  'no-files': 'The upload contained no file.',
  'invalid-file-name': 'The file name is not allowed (path parts, control or invisible characters). Rename the file and try again.',
  'bad-request': 'The upload request was malformed.',
  'request-timeout': 'The upload stalled and timed out. Try again.',
  'missing-conversation-id': 'No conversation was chosen for the upload.',
  'invalid-conversation-id': 'The conversation id is not valid (letters, digits, - and _ only).',
  'not-multipart': 'The upload must be sent as multipart/form-data.',
  'forbidden-origin': 'Uploads are not accepted from this page.',
  'missing-requested-with': 'Uploads are only accepted from the attachments widget.',
  unauthorized: 'You are not signed in, or may not upload here.',
  'method-not-allowed': 'This method is not allowed here.',
  'file-url-not-allowed': 'Only files stored by HighLevel can be previewed.',
  'file-not-found': 'HighLevel no longer has this file.',
  'preview-link-invalid': 'This preview link is not valid.',
  'preview-link-expired': 'This preview link has expired. Open the file from the conversation.',
  'server-busy': 'The server is busy. Retrying in {seconds} s.',
  'message-empty': 'Write a message or attach a file before sending.',
  'message-too-large': 'The message is too long to send.',
  'message-type-not-allowed': 'This conversation cannot be answered on this channel.',
  'email-subject-required': 'An email needs a subject.',
  'too-many-attachments': 'Too many attachments for one message ({maxFiles} max).',
  'attachment-not-signed': 'Only files uploaded here can be attached. Upload the file again.',
  'attachment-other-conversation': 'An attachment was uploaded for another conversation. Upload it again here.',
  'attachment-expired': 'An attachment was uploaded too long ago. Upload it again.',
  'conversation-other-location': 'This conversation belongs to another sub-account.',
  'idempotency-key-required': 'The message was sent without its retry key. Reload the page and try again.',
  'idempotency-key-reused': 'This message was already sent with other content. Send it as a new message.',
  'send-in-progress': 'This message is still being sent. Retrying in {seconds} s.',
  'message-rejected': 'HighLevel refused the message.',
  'store-unavailable': 'The server cannot reach its shared store right now. Try again in a moment.',
  'session-expired': 'Your HighLevel session has ended. Reload the page to sign in again.',
  'app-not-installed': 'The app is not installed in this sub-account. Ask an admin to install it from the HighLevel Marketplace.',
  'install-failed': 'HighLevel did not accept the installation. Install the app again from the Marketplace.',
  'install-not-location': 'HighLevel installed the app for the agency, not for a sub-account. Install it again from the Marketplace and choose a sub-account.',
  'highlevel-auth': 'The connection to HighLevel is not authorized. Ask an admin to reconnect it.',
  'highlevel-rejected': 'HighLevel refused the upload.',
  'conversation-not-found': 'HighLevel does not know this conversation.',
  'rate-limited': 'Too many uploads right now. Retrying in {seconds} s.',
  'highlevel-unavailable': 'HighLevel is not available right now. Try again in a moment.',
  'highlevel-timeout': 'HighLevel took too long to answer. Try again.',
  internal: 'Something went wrong on the server.',
  'image-not-shrinkable': 'The photo is over {maxSize} and could not be made small enough.',
  'endpoint-not-found': 'The attachments server was not found at this address. Check the widget’s endpoint setting.',
  'origin-not-allowed': 'This page may not upload to the attachments server (the browser blocked the request). Ask the site’s admin to allow this page’s origin.',
  'upload-stalled': 'The upload stopped moving, so it was stopped. Check your connection and retry.',
  network: 'The connection was lost. It will retry when you are back online, or retry now.',
  cancelled: 'Cancelled.',
};

/** Fills `{name}` placeholders; a missing value leaves the placeholder out. */
export function formatMessage(template: string, values: Record<string, string | number | undefined>): string {
  return template.replace(/\{(\w+)\}/g, (_, key: string) => {
    const value = values[key];
    return value === undefined ? '' : String(value);
  });
}
