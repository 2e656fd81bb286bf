import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { extensionOf, findFileType, type FileTypeSpec } from '../shared/file-types.js';
import { answers, type MockAnswer } from './highlevel-answers.js';
import { receiveMultipart, type ReceivedFile } from './receive-multipart.js';

/** A file the mock keeps and serves back. */
export interface StoredFile {
  path: string;
  fileName: string;
  contentType: string;
  size: number;
  locationId: string;
  conversationId: string;
  /** When it was stored, in ms since the epoch (secure files are public for a while after). */
  storedAt: number;
}

export interface UploadConfig {
  storageDir: string;
  basePath: string;
  maxFileSize: number;
  maxFiles: number;
  allowedTypes: readonly FileTypeSpec[];
  /** Whether the conversation exists in the location (HighLevel answers 500 for one that does not). */
  conversationIn: (conversationId: string, locationId: string) => boolean;
  secureFiles: { publicForMs: number } | undefined;
}

const FILE_FIELD = 'fileAttachment';

/**
 * The body of `POST /conversations/messages/upload`, checked in HighLevel's order: multer's
 * limits first (413, too many files, unexpected field), then the file filter (415), then the
 * DTO's validation (422), then the conversation lookup (500 when it does not exist).
 */
export async function handleUpload(
  req: IncomingMessage,
  tokenLocationId: string,
  config: UploadConfig,
  store: Map<string, StoredFile>,
): Promise<MockAnswer> {
  let body;
  try {
    body = await receiveMultipart(req, config.storageDir, config);
  } catch {
    return answers.badRequest();
  }
  const answer = judge(body.fields, body.files, body.tooManyFiles, tokenLocationId, config);
  if (answer) {
    await Promise.all(body.files.map((file) => rm(file.path, { force: true })));
    return answer;
  }
  const locationId = body.fields.get('locationId')![0]!;
  const conversationId = body.fields.get('conversationId')?.[0] ?? `contact-${body.fields.get('contactId')![0]}`;
  const host = req.headers.host ?? 'localhost';
  const uploadedFiles: Record<string, string> = {};
  for (const file of body.files) {
    const type = findFileType(file.fileName, config.allowedTypes)!;
    const urlPath = config.secureFiles
      ? `/files/d/${randomUUID().replaceAll('-', '')}`
      : `/conversations-assets/location/${encodeURIComponent(locationId)}/conversations/${encodeURIComponent(conversationId)}/${randomUUID()}${extensionOf(file.fileName)}`;
    store.set(urlPath, {
      path: file.path,
      fileName: file.fileName,
      contentType: type.mimeTypes[0]!,
      size: file.size,
      locationId,
      conversationId,
      storedAt: Date.now(),
    });
    // Keyed by file name, like HighLevel: two files with one name in one request collide.
    uploadedFiles[file.fileName] = `http://${host}${config.basePath}${urlPath}`;
  }
  return { status: 200, body: { uploadedFiles } };
}

function judge(
  fields: Map<string, string[]>,
  files: ReceivedFile[],
  tooManyFiles: boolean,
  tokenLocationId: string,
  config: UploadConfig,
): MockAnswer | undefined {
  if (tooManyFiles) return answers.badRequest('Too many files');
  if (files.some((file) => file.fieldName !== FILE_FIELD)) return answers.badRequest('Unexpected field');
  if (files.some((file) => file.truncated)) return answers.tooLarge();
  if (files.some((file) => !findFileType(file.fileName, config.allowedTypes))) return answers.unsupportedType();

  const locationId = fields.get('locationId')?.[0];
  const conversationId = fields.get('conversationId')?.[0];
  const contactId = fields.get('contactId')?.[0];
  const problems: string[] = [];
  if (!locationId) problems.push('locationId should not be empty', 'locationId must be a string');
  if (!conversationId && !contactId) problems.push('conversationId or contactId must be provided');
  if (problems.length > 0) return answers.unprocessable(problems);
  if (locationId !== tokenLocationId) return answers.wrongLocation();
  if (files.length === 0) return answers.badRequest();
  if (fields.get('isGroupSms')?.[0] === 'true' && files.length > 1) return answers.badRequest();
  if (conversationId && !config.conversationIn(conversationId, locationId)) {
    return answers.conversationNotFound(conversationId);
  }
  return undefined;
}
