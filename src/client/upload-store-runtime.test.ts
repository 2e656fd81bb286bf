/**
 * An upload while TanStack Query's code (loaded with the first upload) is still on its way: a
 * cancel then ends it at once, and a load that fails afterwards (the connection dropped) does not
 * turn the cancel into a lost-connection failure that the next "back online" would upload. The
 * loader stands in for the network that fails, so that the order is certain; the BFF is real.
 */
import { QueryClient, onlineManager } from '@tanstack/query-core';
import { afterAll, afterEach, expect, it, vi } from 'vitest';
import { pngOfSize } from '../testing/fixtures.js';
import { startStack } from '../testing/start-stack.js';
import * as runtimeLoader from './load-query-runtime.js';
import { Uploader } from './uploader.js';

vi.mock('./load-query-runtime.js', async (importOriginal) => {
  const real = await importOriginal<typeof runtimeLoader>();
  return { loadQueryRuntime: vi.fn(real.loadQueryRuntime) };
});
const load = vi.mocked(runtimeLoader.loadQueryRuntime);
const stack = await startStack({ mock: { conversations: ['conv1'], rateLimits: { max: 10_000 } } });
afterAll(() => stack.close());
afterEach(() => onlineManager.setOnline(true));
const png = (name: string) => new File([pngOfSize(400) as Uint8Array<ArrayBuffer>], name, { type: 'image/png' });

/** The next load hangs until the returned function fails it. */
function nextLoadHangs(): (error: Error) => void {
  let fail!: (error: Error) => void;
  load.mockImplementationOnce(() => new Promise((_, reject) => (fail = reject)));
  return (error) => fail(error);
}

it('a file cancelled while the upload code loads is cancelled at once, and stays so when the load then fails and the browser is back online', async () => {
  const uploader = new Uploader({ conversationId: 'conv1', endpoint: stack.endpoint, queryClient: new QueryClient() });
  const stop = uploader.subscribe(() => undefined);
  await vi.waitFor(() => expect(uploader.getState().policy).not.toBeUndefined());
  const before = stack.mock.stats.uploadRequests;
  const failLoad = nextLoadHangs();
  uploader.addFiles([png('changed-my-mind.png')]);
  const id = uploader.getState().items[0]!.id;
  expect(uploader.getState().items[0]!.status).toBe('uploading');
  uploader.cancel(id);
  await vi.waitFor(() => expect(uploader.getState().items[0]!.status).toBe('cancelled'));
  failLoad(new TypeError('Failed to fetch dynamically imported module'));
  onlineManager.setOnline(false);
  onlineManager.setOnline(true);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(uploader.getState().items[0]!.status).toBe('cancelled');
  expect(stack.mock.stats.uploadRequests).toBe(before);
  // It can still be sent on purpose.
  uploader.retry(id);
  await vi.waitFor(() => expect(uploader.getState().items[0]!.status).toBe('done'), { timeout: 10_000 });
  stop();
});
