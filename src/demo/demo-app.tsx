import { useId, useState } from 'react';
import { AttachmentUploader } from '../react/index.js';
import type { UploadedFile } from '../shared/wire.js';

/** The conversation the mock is happy with; against the real API the user types their own. */
const DEMO_CONVERSATION_ID = 'demo-conversation';

/** The demo page: a conversation id, the widget, and the URLs that would go into a message. */
export function DemoApp() {
  const [conversationId, setConversationId] = useState(DEMO_CONVERSATION_ID);
  const [uploaded, setUploaded] = useState<UploadedFile[]>([]);
  const inputId = useId();
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
      <AttachmentUploader
        conversationId={conversationId}
        previewThroughServer
        onUploaded={(files) => setUploaded((previous) => [...previous, ...files])}
      />
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
    </div>
  );
}
