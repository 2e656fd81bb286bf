import { lazy, Suspense } from 'react';
import type { AttachmentUploaderProps } from './attachment-uploader.js';
import type { ComposerMessages } from './composer-messages.js';
import type { MessageType, SendMessageResponseBody } from '../shared/message-wire.js';
import type { UploadError } from '../shared/upload-error.js';

/** Props of {@link AttachmentComposer}: the uploader's, and the message's. */
export interface AttachmentComposerProps extends Omit<AttachmentUploaderProps, 'value' | 'onChange' | 'conversationId'> {
  /** The HighLevel conversation the message answers. Required. */
  conversationId: string;
  /**
   * The types the user may choose among (a choice is shown when there are several); they must
   * be among the BFF's `messageTypes`. Default: none shown, the conversation's own channel.
   */
  messageTypes?: readonly MessageType[];
  /** The composer's own words, over the locale's (from `messages.locale`). Default: English. */
  composerMessages?: Partial<ComposerMessages>;
  /** Called with HighLevel's answer once a message is sent (the text and the files are then cleared). */
  onSent?: (answer: SendMessageResponseBody) => void;
  /** Called when a send failed for good (its words are shown in the composer too). */
  onSendError?: (error: UploadError) => void;
}

const ComposerForm = lazy(() => import('./composer-form.js'));

/**
 * The ready-made composer: a message box, the uploader, the channel when several are allowed,
 * and Send, which sends the text and the uploaded files as one message through the BFF. Its
 * code loads on first render (a chunk of its own), so pages with the uploader alone never pay
 * for it.
 */
export function AttachmentComposer(props: AttachmentComposerProps) {
  return (
    <Suspense fallback={<div className="ghl-att ghl-att-composer" aria-busy="true" />}>
      <ComposerForm {...props} />
    </Suspense>
  );
}
