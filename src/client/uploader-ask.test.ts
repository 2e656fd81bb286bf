/**
 * When the uploader asks the BFF for its policy, with what, and which answer it keeps. The ask is
 * replaced (`loadPolicy`) so that a test holds each answer and lets it go in the order it likes;
 * the ask itself, over HTTP to a real BFF, is in uploader-policy.test.ts.
 */
import { QueryClient } from '@tanstack/query-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_FILE_TYPES } from '../shared/file-types.js';
import type { UploadPolicy } from '../shared/wire.js';
import type * as PolicyCode from './load-policy.js';
import { loadPolicy } from './load-policy.js';
import { loadQueryRuntime } from './load-query-runtime.js';
import { Uploader } from './uploader.js';
import type { UploaderOptions } from './uploader-options.js';

vi.mock('./load-policy.js', async (importOriginal) => {
  const actual = await importOriginal<typeof PolicyCode>();
  return { ...actual, loadPolicy: vi.fn() };
});
const ask = vi.mocked(loadPolicy);

/** Each ask waits until the test answers it: `answer(url, policy)`. */
function holdAnswers() {
  const waiting = new Map<string, (policy: UploadPolicy | null) => void>();
  ask.mockImplementation((_client, _key, url) => new Promise((resolve) => waiting.set(url, resolve)));
  return (url: string, policy: UploadPolicy | null) => {
    const resolve = waiting.get(url);
    if (!resolve) throw new Error(`${url} was not asked`);
    resolve(policy);
  };
}
const policyOf = (ids: string[]): UploadPolicy => ({
  allowedTypes: DEFAULT_FILE_TYPES.filter((type) => ids.includes(type.id)).map(({ id, extensions, mimeTypes }) => ({ id, extensions: [...extensions], mimeTypes: [...mimeTypes] })),
  maxFileSize: 1000,
  maxFilesPerRequest: 1,
  sessionRequired: false,
});
const make = (options: Partial<UploaderOptions> = {}) => new Uploader({ conversationId: 'conv1', endpoint: '/a', queryClient: new QueryClient(), ...options });
/** Until the policy's code and TanStack Query's have loaded, and an ask would have been made. */
async function settle() {
  await Promise.all([import('./load-policy.js'), loadQueryRuntime()]);
  await new Promise((resolve) => setTimeout(resolve, 0));
}

afterEach(() => ask.mockReset());

describe('when the policy is asked', () => {
  it('not while no one listens, however the options change; the first listener asks for the endpoint of that moment', async () => {
    holdAnswers();
    const uploader = make();
    uploader.setOptions({ conversationId: 'conv1', endpoint: '/b', queryClient: new QueryClient() });
    await settle();
    expect(ask).not.toHaveBeenCalled();
    uploader.subscribe(() => undefined);
    await vi.waitFor(() => expect(ask).toHaveBeenCalledTimes(1));
    expect(ask.mock.calls[0]![2]).toBe('/b/config');
  });

  it('with the browser’s cookies only when withCredentials is set', async () => {
    holdAnswers();
    make({ endpoint: '/plain' }).subscribe(() => undefined);
    make({ endpoint: '/cookies', withCredentials: true }).subscribe(() => undefined);
    await vi.waitFor(() => expect(ask).toHaveBeenCalledTimes(2));
    const credentialsOf = (url: string) => ask.mock.calls.find((call) => call[2] === url)?.[3];
    expect(credentialsOf('/plain/config')).toBe(false);
    expect(credentialsOf('/cookies/config')).toBe(true);
  });
});

describe('which answer is kept', () => {
  it('a late answer for an endpoint the options moved away from is not applied', async () => {
    const answer = holdAnswers();
    const queryClient = new QueryClient();
    const uploader = make({ queryClient });
    uploader.subscribe(() => undefined);
    await vi.waitFor(() => expect(ask).toHaveBeenCalledTimes(1));
    uploader.setOptions({ conversationId: 'conv1', endpoint: '/b', queryClient });
    await vi.waitFor(() => expect(ask).toHaveBeenCalledTimes(2));
    answer('/b/config', policyOf(['PNG']));
    await vi.waitFor(() => expect(uploader.getState().rules.allowedTypes.map((type) => type.id)).toEqual(['PNG']));
    answer('/a/config', policyOf(['PDF']));
    await settle();
    expect(uploader.getState().rules.allowedTypes.map((type) => type.id)).toEqual(['PNG']);
    expect(uploader.getState().policy?.allowedTypes.map((type) => type.id)).toEqual(['PNG']);
  });

  it('a policy’s types named by id get the package’s preview kind and content check', async () => {
    const answer = holdAnswers();
    const uploader = make();
    uploader.subscribe(() => undefined);
    await vi.waitFor(() => expect(ask).toHaveBeenCalledTimes(1));
    answer('/a/config', policyOf(['PNG', 'PDF']));
    await vi.waitFor(() => expect(uploader.getState().rules.allowedTypes).toHaveLength(2));
    const [png, pdf] = uploader.getState().rules.allowedTypes;
    expect(png).toMatchObject({ id: 'PNG', kind: 'image', magic: 'png' });
    expect(pdf).toMatchObject({ id: 'PDF', kind: 'pdf' });
  });
});

describe('the rules follow the options', () => {
  it('an empty allow-list, then none: from no type to the default types', async () => {
    ask.mockResolvedValue(null);
    const uploader = make({ allowedTypes: [] });
    expect(uploader.getState().rules.allowedTypes).toEqual([]);
    uploader.setOptions({ conversationId: 'conv1', endpoint: '/a', queryClient: new QueryClient() });
    expect(uploader.getState().rules.allowedTypes.map((type) => type.id)).toEqual(DEFAULT_FILE_TYPES.map((type) => type.id));
    uploader.setOptions({ conversationId: 'conv1', endpoint: '/a', queryClient: new QueryClient(), allowedTypes: [] });
    expect(uploader.getState().rules.allowedTypes).toEqual([]);
  });
});
