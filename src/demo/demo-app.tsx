import { Profiler, useId, useState } from 'react';
import { optionFromText, type NUMBER_OPTION_RANGES } from '../client/uploader.js';
import { AttachmentUploader, useSendMessage } from '../react/index.js';
import { DEFAULT_MESSAGES, errorText } from '../react/messages.js';
import type { UploadedFile } from '../shared/wire.js';

/** The conversation the mock is happy with; against the real API the user types their own. */
const DEMO_CONVERSATION_ID = 'demo-conversation';

/** `?concurrency=20&maxFiles=20`: the benchmark's settings (bench/widget.ts); out of range, the default. */
function numberParam(name: keyof typeof NUMBER_OPTION_RANGES): number | undefined {
  return optionFromText(name, new URLSearchParams(window.location.search).get(name));
}

/** The demo page: a conversation id, the widget, the URLs that go into the message, and Send. */
export function DemoApp() {
  const [conversationId, setConversationId] = useState(DEMO_CONVERSATION_ID);
  const [uploaded, setUploaded] = useState<UploadedFile[]>([]);
  const [text, setText] = useState('');
  const [sentId, setSentId] = useState('');
  const sender = useSendMessage({ onSent: (answer) => setSentId(answer.messageId) });
  const inputId = useId();
  const textId = useId();
  return (
    <div className="demo">
      <h1>Attach files to a HighLevel conversation</h1>
      <label htmlFor={inputId}>Conversation id</label>
      <input
        id={inputId}
        value={conversationId}
        onChange={(event) => setConversationId(event.target.value.trim())}
        spellCheck={false}
      />
      {/* `npm run bench` counts the widget's React commits (development build only). */}
      <Profiler id="attachments" onRender={recordCommit}>
        <AttachmentUploader
          conversationId={conversationId}
          // Previews through the BFF's signed links (each file's previewUrl): they outlive the
          // hour HighLevel keeps a secure attachment's URL public. The default, said here.
          previewFrom="server"
          concurrency={numberParam('concurrency')}
          maxFiles={numberParam('maxFiles')}
          value={uploaded}
          onChange={setUploaded}
        />
      </Profiler>
      {uploaded.length > 0 && (
        <section aria-labelledby="urls-title">
          <h2 id="urls-title">URLs for the message’s attachments</h2>
          <ul className="demo-urls">
            {uploaded.map((file) => (
              <li key={file.url}>
                <code>{file.url}</code>
              </li>
            ))}
          </ul>
        </section>
      )}
      {/* The message itself, with the hook: the composer (AttachmentComposer) does this ready-made. */}
      <form
        className="demo-send"
        aria-label="Send the message"
        onSubmit={(event) => {
          event.preventDefault();
          setSentId('');
          sender.send({ conversationId, message: text, attachments: uploaded }).then(
            () => {
              setText('');
              setUploaded([]);
            },
            () => undefined,
          );
        }}
      >
        <label htmlFor={textId}>Message</label>
        <textarea id={textId} rows={2} value={text} onChange={(event) => setText(event.target.value)} />
        <button type="submit" disabled={sender.isSending || (text.trim() === '' && uploaded.length === 0)}>
          {sender.isSending ? 'Sending…' : 'Send to the conversation'}
        </button>
        {/* Polite, without the status role: the widget's own live region is the page's status. */}
        <p aria-live="polite">{sentId ? `Sent: message ${sentId}.` : ''}</p>
        {sender.error ? <p role="alert">{errorText(DEFAULT_MESSAGES, sender.error.code, { types: '', maxSize: '', maxFiles: 5 })}</p> : null}
      </form>
    </div>
  );
}

function recordCommit() {
  (window as { ghlCommits?: number[] }).ghlCommits?.push(performance.now());
}
