import { useMutation, type QueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { RETRYABLE_SEND_CODES, sendMessage, type SendMessageOptions } from '../client/send-message.js';
import type { SendMessageResponseBody } from '../shared/message-wire.js';
import { isUploadError, type UploadError } from '../shared/upload-error.js';
import { useResolvedQueryClient } from './use-resolved-query-client.js';

/** The TanStack mutation key of every send, e.g. for `useIsMutating`. */
export const SEND_MUTATION_KEY = ['ghl-attachments', 'send'] as const;

/** What one send says: the message, not where it goes. */
export type SendMessageInput = Pick<SendMessageOptions, 'conversationId' | 'message' | 'subject' | 'html' | 'type' | 'attachments'>;

/** Options of {@link useSendMessage}. */
export interface UseSendMessageOptions {
  /** The BFF route (the upload's). Default: `/api/attachments`. */
  endpoint?: string;
  /** Extra headers, as for uploads. Default: none. */
  headers?: SendMessageOptions['headers'];
  /** Send cookies to a BFF on another origin. Default: `false`. */
  withCredentials?: boolean;
  /**
   * Tries after a failure that may pass on its own (no connection, busy, rate limited, HighLevel
   * down), with the same key: a send whose answer was lost is answered, not sent again.
   * Default: 3.
   */
  retries?: number;
  /** Called with HighLevel's answer once the message is sent. */
  onSent?: (answer: SendMessageResponseBody, input: SendMessageInput) => void;
  /** Called when the send failed for good. */
  onError?: (error: UploadError, input: SendMessageInput) => void;
  /** Default: the host app's QueryClient, else one of the widget's own. */
  queryClient?: QueryClient;
}

/** What {@link useSendMessage} returns. */
export interface SendMessageState {
  /** Sends the message; resolves with HighLevel's answer (rejects with the `UploadError`). */
  send(input: SendMessageInput): Promise<SendMessageResponseBody>;
  isSending: boolean;
  /** The last send's failure, until the next send. */
  error: UploadError | null;
  /** The last sent message's answer. */
  sent: SendMessageResponseBody | undefined;
  /** Forgets the error and the answer. */
  reset(): void;
}

/**
 * A TanStack mutation that sends a message through the BFF. Every message gets a new random
 * `Idempotency-Key`; retries (its own, and the user's Send again on the same message after a
 * failure) keep it, so that a double click or a lost answer still makes one message.
 */
export function useSendMessage(options: UseSendMessageOptions = {}): SendMessageState {
  const queryClient = useResolvedQueryClient(options.queryClient);
  // The key of the message last tried and not sent: the same message tried again keeps it.
  const pending = useRef<{ body: string; key: string } | undefined>(undefined);
  // The latest options, read when a send starts or retries: a new headers function is used at once.
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });
  const mutation = useMutation<SendMessageResponseBody, UploadError, SendMessageInput & { key: string }>(
    {
      mutationKey: SEND_MUTATION_KEY,
      mutationFn: ({ key, ...input }) =>
        sendMessage({
          ...input,
          idempotencyKey: key,
          endpoint: latest.current.endpoint,
          headers: latest.current.headers,
          withCredentials: latest.current.withCredentials,
        }),
      retry: (count, error) => count < (latest.current.retries ?? 3) && isUploadError(error) && RETRYABLE_SEND_CODES.has(error.code),
      retryDelay: (count, error) => (isUploadError(error) && error.retryAfter ? error.retryAfter * 1000 : Math.min(8000, 1000 * 2 ** count)),
      onSuccess: (answer, { key, ...input }) => {
        if (pending.current?.key === key) pending.current = undefined;
        latest.current.onSent?.(answer, input);
      },
      onError: (error, { key: _key, ...input }) => latest.current.onError?.(error, input),
    },
    queryClient,
  );
  return {
    send(input) {
      const body = JSON.stringify(inputKey(input));
      if (pending.current?.body !== body) pending.current = { body, key: crypto.randomUUID() };
      return mutation.mutateAsync({ ...input, key: pending.current.key });
    },
    isSending: mutation.isPending,
    error: mutation.error ?? null,
    sent: mutation.data,
    reset: mutation.reset,
  };
}

/** What makes two sends the same message. */
function inputKey(input: SendMessageInput) {
  const attachments = (input.attachments ?? []).map((file) => (typeof file === 'string' ? file : file.handle));
  return [input.conversationId, input.type, input.message, input.subject, input.html, attachments];
}
