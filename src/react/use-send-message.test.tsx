/**
 * useSendMessage against the real BFF and mock: a send whose answer was lost is retried with the
 * same key and answered, not sent again; a new message gets a new key.
 */
import { QueryClient } from '@tanstack/react-query';
import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ownStack } from '../testing/own-stack.js';
import { useSendMessage } from './use-send-message.js';

const { origin, messagesSent } = await ownStack();
beforeAll(() => {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(`${origin}/`);
});
afterEach(() => vi.restoreAllMocks());

const keyOf = (call: unknown[]) => new Headers((call[1] as RequestInit).headers).get('Idempotency-Key');

describe('useSendMessage', () => {
  it('retries a send whose answer was lost with the same key: one message, answered', async () => {
    const realFetch = globalThis.fetch;
    let calls = 0;
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (...args) => {
      calls += 1;
      const response = await realFetch(...args);
      // The first answer never reaches the page: the connection drops once the BFF has sent.
      if (calls === 1) throw new TypeError('Failed to fetch');
      return response;
    });
    const { result } = renderHook(() => useSendMessage({ queryClient: new QueryClient() }));
    const before = await messagesSent();
    let answer: Awaited<ReturnType<typeof result.current.send>> | undefined;
    await act(async () => {
      answer = await result.current.send({ conversationId: 'conv1', message: 'lost answer' });
    });
    expect(answer?.messageId).toBeTruthy();
    expect(spy.mock.calls).toHaveLength(2);
    expect(keyOf(spy.mock.calls[0]!)).toBe(keyOf(spy.mock.calls[1]!));
    expect(await messagesSent()).toBe(before + 1);
  }, 15_000);

  it('gives a new message a new key, and the same message tried again after a failure the old one', async () => {
    const spy = vi.spyOn(globalThis, 'fetch');
    const { result } = renderHook(() => useSendMessage({ queryClient: new QueryClient(), retries: 0 }));
    await act(async () => {
      await result.current.send({ conversationId: 'conv1', message: 'first' });
    });
    await act(async () => {
      await result.current.send({ conversationId: 'conv1', message: 'second' });
    });
    // Refused (nothing to send): the same message again keeps its key.
    await act(async () => {
      await result.current.send({ conversationId: 'conv1', message: ' ' }).catch(() => undefined);
    });
    await act(async () => {
      await result.current.send({ conversationId: 'conv1', message: ' ' }).catch(() => undefined);
    });
    const keys = spy.mock.calls.map(keyOf);
    expect(new Set(keys.slice(0, 3)).size).toBe(3);
    expect(keys[3]).toBe(keys[2]);
    await waitFor(() => expect(result.current.error?.code).toBe('message-empty'));
  });
});
