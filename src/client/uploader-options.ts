import type { QueryClient } from '@tanstack/query-core';
import type { FileTypeInput } from '../shared/file-types.js';
import type { UploadError } from '../shared/upload-error.js';
import type { UploadPolicy, UploadedFile } from '../shared/wire.js';
import type { UploadRules } from './narrow-rules.js';
import type { UploadSummary } from './summarize-items.js';
import type { UploadFileOptions } from './upload-file.js';
import type { DoneUploadItem, FailedUploadItem, RejectedFile, UploadItem } from './upload-item.js';

/** Extra request headers, or a function read before each upload (short-lived auth). */
export type HeadersInput = UploadFileOptions['headers'];

/** Options of an {@link Uploader} (and of `useAttachmentUploader`, `<AttachmentUploader>`). */
export interface UploaderOptions {
  /** The HighLevel conversation files are attached to. Required; while empty, nothing uploads. */
  conversationId: string;
  /** The BFF route. Default: `/api/attachments`. */
  endpoint?: string;
  /**
   * Extra request headers, e.g. the host app's own auth, or a function (sync or async) read
   * before each upload, for auth that expires. Default: none.
   */
  headers?: HeadersInput;
  /**
   * Send the browser's cookies with uploads to a BFF on another origin (axios' `withCredentials`),
   * for a BFF that authorizes by its own session cookie; that BFF must allow credentials for this
   * page's origin. Same-origin uploads send cookies either way. Default: `false`.
   */
  withCredentials?: boolean;
  /**
   * Allowed types, by id (`['PDF', 'PNG']`; GIF, WEBP, HEIC, CSV, XLS(X), PPT(X) too) or as
   * `FileTypeSpec`s of your own. The BFF's own policy (`GET {endpoint}/config`) narrows them
   * once it has answered, and stands in for them when they are unset. Default: HighLevel's 13
   * documented types (JPG JPEG PNG MP4 MPEG ZIP RAR PDF DOC DOCX TXT MP3 WAV), until the BFF
   * says otherwise.
   */
  allowedTypes?: readonly FileTypeInput[];
  /**
   * Bytes per file; a file of exactly this size passes. Default: 5,242,880 (HighLevel's 5 MB);
   * the BFF's policy applies when lower, and in place of the default once it has answered.
   */
  maxFileSize?: number;
  /** Files in the list at once, failed and cancelled ones not counted. Default: 10 (`DEFAULT_MAX_FILES`). */
  maxFiles?: number;
  /** Uploads running at once; the rest wait. Default: 3. */
  concurrency?: number;
  /**
   * JPEG and PNG photos over `maxFileSize` are re-encoded in the browser (in a Web Worker) to
   * fit, instead of being refused; their metadata, GPS location included, is not carried over.
   * Default: `true`.
   */
  shrinkImages?: boolean;
  /** Longest side of an uploaded photo, in pixels; larger ones are scaled down (with `shrinkImages`). Default: no limit. */
  maxImageDimension?: number;
  /**
   * An upload whose bytes stop moving for this long, in ms, is aborted and shown as stalled
   * (`upload-stalled`), to retry; the wait for HighLevel's answer once every byte is sent is not
   * counted (the BFF times that). `0` turns it off. Default: 30,000.
   */
  stallTimeoutMs?: number;
  /** Called once per file HighLevel stored, with the stored file and its row. */
  onUploadSuccess?: (file: UploadedFile, item: DoneUploadItem) => void;
  /** Called once per failed upload (not when cancelled), with the error and the row (`item.file` is the user's file). */
  onUploadError?: (error: UploadError, item: FailedUploadItem) => void;
  /** Called with the files refused at once (by type, size, name, count, or a photo that cannot be made to fit), each with its `file` and `code`. */
  onReject?: (rejections: readonly RejectedFile[]) => void;
  /**
   * Controlled mode: the uploaded files the host holds (a draft, a message being edited). Done
   * rows are these: setting `value` to `[]` (the message was sent) clears them; a file uploaded
   * now shows as done at once and `onChange` offers it, and a next `value` without it (the host
   * did not take it) drops its row. Default: uncontrolled.
   */
  value?: readonly UploadedFile[];
  /** Called with every uploaded file — `value` and new uploads, less removed ones — when that list changes. */
  onChange?: (files: UploadedFile[]) => void;
  /** Called with every row whenever one of them changes (added, progress, done, removed — down to `[]`). */
  onItemsChange?: (items: readonly UploadItem[]) => void;
  /** The TanStack Query client uploads run in and the BFF's policy is kept in. Default: one shared by every uploader of the page. */
  queryClient?: QueryClient;
}

/** What an {@link Uploader} holds: the rows, the refusals, a summary, and the rules in force. */
export interface UploaderState extends UploadSummary {
  items: readonly UploadItem[];
  rejections: readonly RejectedFile[];
  /** The rules files are held to now: the options, narrowed by the BFF's policy once it has answered. */
  rules: UploadRules & { readonly maxFiles: number };
  /** The BFF's policy: `undefined` until it answers, `null` when it serves none (or was unreachable). */
  policy: UploadPolicy | null | undefined;
}
