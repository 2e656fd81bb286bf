import { useId, useLayoutEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { describeFileTypes, resolveFileTypes } from '../shared/file-types.js';
import { DEFAULT_MAX_FILE_SIZE, formatBytes } from '../shared/limits.js';
import { MAX_ATTACHMENTS_PER_MESSAGE, type MessageType } from '../shared/message-wire.js';
import type { UploadedFile } from '../shared/wire.js';
import { adoptStyles } from './adopt-styles.js';
import { AttachmentUploader } from './attachment-uploader.js';
import composerStyles from './composer.css?inline';
import type { AttachmentComposerProps } from './composer.js';
import { composerMessagesFor } from './composer-messages.js';
import { DEFAULT_MESSAGES, errorText, mergeMessages } from './messages.js';
import type { UploadItem } from '../client/upload-item.js';
import { useSendMessage } from './use-send-message.js';

const BUSY: ReadonlySet<UploadItem['status']> = new Set(['queued', 'shrinking', 'uploading', 'processing']);

/** The composer itself, loaded on first need by `AttachmentComposer`. */
export default function ComposerForm({
  conversationId,
  messageTypes,
  composerMessages,
  onSent,
  onSendError,
  onItemsChange,
  className,
  theme = 'light',
  ...uploader
}: AttachmentComposerProps) {
  const id = useId();
  const messages = useMemo(() => mergeMessages(uploader.messages, DEFAULT_MESSAGES), [uploader.messages]);
  const words = useMemo(() => ({ ...composerMessagesFor(messages.locale), ...composerMessages }), [messages.locale, composerMessages]);
  const [text, setText] = useState('');
  const [subject, setSubject] = useState('');
  const [files, setFiles] = useState<UploadedFile[]>([]);
  const [busy, setBusy] = useState(false);
  const [type, setType] = useState<MessageType | undefined>(messageTypes?.[0]);
  const [sentNotice, setSentNotice] = useState('');
  const textBox = useRef<HTMLTextAreaElement>(null);
  const form = useRef<HTMLFormElement>(null);
  // Before the first paint, into the document or the shadow root the composer renders in.
  useLayoutEffect(() => {
    const root = form.current?.getRootNode();
    if (root instanceof Document || root instanceof ShadowRoot) adoptStyles(root, composerStyles);
  }, []);
  const sender = useSendMessage({
    endpoint: uploader.endpoint,
    headers: uploader.headers,
    withCredentials: uploader.withCredentials,
    queryClient: uploader.queryClient,
  });

  const empty = text.trim() === '' && files.length === 0;
  const blocked = busy ? words.waitForUploads : empty ? words.nothingToSend : '';
  const disabled = blocked !== '' || sender.isSending;
  const limits = {
    types: describeFileTypes(resolveFileTypes(uploader.allowedTypes)),
    maxSize: formatBytes(uploader.maxFileSize ?? DEFAULT_MAX_FILE_SIZE, messages.locale),
    maxFiles: MAX_ATTACHMENTS_PER_MESSAGE,
    seconds: sender.error?.retryAfter,
  };

  async function submit(event?: FormEvent) {
    event?.preventDefault();
    if (disabled) return;
    setSentNotice('');
    try {
      const answer = await sender.send({
        conversationId,
        message: text,
        attachments: files,
        ...(type ? { type } : {}),
        ...(type === 'Email' && subject.trim() ? { subject } : {}),
      });
      setText('');
      setSubject('');
      setFiles([]);
      setSentNotice(words.sent);
      textBox.current?.focus();
      onSent?.(answer);
    } catch (error) {
      onSendError?.(error as Parameters<NonNullable<typeof onSendError>>[0]);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void submit(event);
  }

  return (
    <form
      ref={form}
      className={`ghl-att ghl-att-composer${className ? ` ${className}` : ''}`}
      data-theme={theme}
      aria-label={words.formLabel}
      aria-busy={sender.isSending}
      onSubmit={(event) => void submit(event)}
      noValidate
    >
      {messageTypes && messageTypes.length > 1 ? (
        <div className="ghl-att-composer-field">
          <label htmlFor={`${id}-type`}>{words.channelLabel}</label>
          <select id={`${id}-type`} value={type} onChange={(event) => setType(event.target.value as MessageType)}>
            {messageTypes.map((option) => (
              <option key={option} value={option}>
                {words.channels[option] ?? option}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {type === 'Email' ? (
        <div className="ghl-att-composer-field">
          <label htmlFor={`${id}-subject`}>{words.subjectLabel}</label>
          <input id={`${id}-subject`} type="text" value={subject} onChange={(event) => setSubject(event.target.value)} />
        </div>
      ) : null}
      <div className="ghl-att-composer-field">
        <label htmlFor={`${id}-text`}>{words.messageLabel}</label>
        <textarea
          id={`${id}-text`}
          ref={textBox}
          rows={3}
          value={text}
          placeholder={words.messagePlaceholder}
          aria-describedby={`${id}-shortcut`}
          onChange={(event) => {
            setText(event.target.value);
            if (sender.error) sender.reset();
          }}
          onKeyDown={onKeyDown}
        />
        <span id={`${id}-shortcut`} className="ghl-att-composer-hint">
          {words.shortcut}
        </span>
      </div>
      <AttachmentUploader
        {...uploader}
        conversationId={conversationId}
        theme={theme}
        maxFiles={Math.min(uploader.maxFiles ?? MAX_ATTACHMENTS_PER_MESSAGE, MAX_ATTACHMENTS_PER_MESSAGE)}
        value={files}
        onChange={setFiles}
        onItemsChange={(items) => {
          setBusy(items.some((item) => BUSY.has(item.status)));
          onItemsChange?.(items);
        }}
      />
      {sender.error ? (
        <p className="ghl-att-composer-error" role="alert">
          {errorText(messages, sender.error.code, limits)}
        </p>
      ) : null}
      <div className="ghl-att-composer-actions">
        <button type="submit" className="ghl-att-composer-send" disabled={disabled} aria-describedby={blocked ? `${id}-why` : undefined}>
          {sender.isSending ? words.sending : words.send}
        </button>
        <span id={`${id}-why`} className="ghl-att-composer-hint">
          {sender.isSending ? '' : blocked}
        </span>
      </div>
      <p className="ghl-att-composer-sent" role="status">
        {sentNotice}
      </p>
    </form>
  );
}
