import axios, { AxiosError, CanceledError, type AxiosRequestConfig } from 'axios';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { diagnoseNetworkFailure } from './diagnose-network-failure.js';
import { uploadFile } from './upload-file.js';

const ENDPOINT = 'https://bff.example/api/attachments';

/** What a browser's fetch gives for each kind of probe. */
type Answer = 'opaque' | 'basic' | 'cors' | 'refused' | 'hang';

/**
 * A fetch that answers the no-cors probe and the CORS check as a browser would in one situation,
 * recording what it was asked.
 */
function browserFetch(noCors: Answer, cors: Answer = 'refused') {
  const calls: RequestInit[] = [];
  const fetcher = vi.fn((_url: string | URL | Request, init: RequestInit = {}) => {
    calls.push(init);
    const answer = init.mode === 'no-cors' ? noCors : cors;
    if (answer === 'refused') return Promise.reject(new TypeError('Failed to fetch'));
    // A hanging request ends only when aborted, as a browser's does.
    if (answer === 'hang') {
      return new Promise<Response>((_resolve, reject) =>
        init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))),
      );
    }
    return Promise.resolve({ type: answer, status: answer === 'opaque' ? 0 : 403, body: null } as unknown as Response);
  });
  return { fetcher: fetcher as unknown as typeof fetch, calls };
}

describe('diagnoseNetworkFailure: a lost connection or a refused origin', () => {
  it('says origin-not-allowed when the server is reachable but the browser refuses the CORS request', async () => {
    const { fetcher, calls } = browserFetch('opaque', 'refused');
    const headers = { 'X-Requested-With': 'ghl-attachments' };
    expect(await diagnoseNetworkFailure(ENDPOINT, { fetch: fetcher, onLine: true, headers })).toBe('origin-not-allowed');
    // The reachability probe, as specified: nothing sent that the server could act on.
    expect(calls[0]).toMatchObject({ mode: 'no-cors', method: 'GET', credentials: 'omit', cache: 'no-store' });
    expect(calls[0]!.headers).toBeUndefined();
    // The CORS check asks what the upload asked: the same preflight.
    expect(calls[1]).toMatchObject({ mode: 'cors', method: 'GET', credentials: 'omit', cache: 'no-store', headers });
  });

  it('says network when the server cannot be reached at all', async () => {
    const { fetcher, calls } = browserFetch('refused');
    expect(await diagnoseNetworkFailure(ENDPOINT, { fetch: fetcher, onLine: true })).toBe('network');
    expect(calls).toHaveLength(1);
  });

  it('says network without a probe when the browser is offline', async () => {
    const { fetcher, calls } = browserFetch('opaque');
    expect(await diagnoseNetworkFailure(ENDPOINT, { fetch: fetcher, onLine: false })).toBe('network');
    expect(calls).toHaveLength(0);
  });

  it('says network for a same-origin endpoint that answers: CORS cannot be the cause', async () => {
    const { fetcher, calls } = browserFetch('basic');
    expect(await diagnoseNetworkFailure('/api/attachments', { fetch: fetcher, onLine: true })).toBe('network');
    expect(calls).toHaveLength(1);
  });

  it('says network when this origin is allowed: the upload was dropped in transit', async () => {
    const { fetcher } = browserFetch('opaque', 'cors');
    expect(await diagnoseNetworkFailure(ENDPOINT, { fetch: fetcher, onLine: true })).toBe('network');
  });

  it('asks with the upload’s own headers and credentials, so a refused header or cookie shows too', async () => {
    const { fetcher, calls } = browserFetch('opaque', 'refused');
    const headers = { Authorization: 'Bearer host', 'X-Requested-With': 'ghl-attachments' };
    const verdict = await diagnoseNetworkFailure(ENDPOINT, { fetch: fetcher, onLine: true, headers, withCredentials: true });
    expect(verdict).toBe('origin-not-allowed');
    expect(calls[1]).toMatchObject({ credentials: 'include', headers });
  });

  it('gives up on a probe that hangs, and says network', async () => {
    const hangs = browserFetch('hang');
    const started = Date.now();
    expect(await diagnoseNetworkFailure(ENDPOINT, { fetch: hangs.fetcher, onLine: true, timeoutMs: 50 })).toBe('network');
    expect(hangs.calls[0]!.signal?.aborted).toBe(true);
    // A CORS check that hangs proves nothing either: network, the status quo.
    const checkHangs = browserFetch('opaque', 'hang');
    expect(await diagnoseNetworkFailure(ENDPOINT, { fetch: checkHangs.fetcher, onLine: true, timeoutMs: 50 })).toBe('network');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('ends even when fetch ignores its signal', async () => {
    const deaf = (() => new Promise<Response>(() => undefined)) as unknown as typeof fetch;
    expect(await diagnoseNetworkFailure(ENDPOINT, { fetch: deaf, onLine: true, timeoutMs: 30 })).toBe('network');
  });

  it('never throws: a fetch that throws at once, or none at all', async () => {
    const throws = (() => {
      throw new TypeError('bad URL');
    }) as unknown as typeof fetch;
    expect(await diagnoseNetworkFailure(ENDPOINT, { fetch: throws, onLine: true })).toBe('network');
    vi.stubGlobal('fetch', undefined);
    expect(await diagnoseNetworkFailure(ENDPOINT, { onLine: true })).toBe('network');
  });

  it('stops probing when the upload is cancelled', async () => {
    const { fetcher } = browserFetch('hang');
    const controller = new AbortController();
    const verdict = diagnoseNetworkFailure(ENDPOINT, { fetch: fetcher, onLine: true, signal: controller.signal });
    controller.abort();
    expect(await verdict).toBe('network');
  });

  it('stops at once when the upload was cancelled before the diagnosis began', async () => {
    const { fetcher, calls } = browserFetch('hang');
    const verdict = await diagnoseNetworkFailure(ENDPOINT, { fetch: fetcher, onLine: true, signal: AbortSignal.abort(), timeoutMs: 60_000 });
    expect(verdict).toBe('network');
    expect(calls).toHaveLength(0);
  });

  it('a cancel during a long probe ends it then, not at its timeout', async () => {
    const { fetcher, calls } = browserFetch('hang');
    const controller = new AbortController();
    const verdict = diagnoseNetworkFailure(ENDPOINT, { fetch: fetcher, onLine: true, signal: controller.signal, timeoutMs: 60_000 });
    await vi.waitFor(() => expect(calls).toHaveLength(1));
    controller.abort();
    expect(await verdict).toBe('network');
    expect(calls[0]!.signal?.aborted).toBe(true);
  });

  it('leaves no timer behind once it has its answer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const { fetcher } = browserFetch('opaque', 'cors');
      expect(await diagnoseNetworkFailure(ENDPOINT, { fetch: fetcher, onLine: true })).toBe('network');
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it('takes a page without navigator (a worker, a server render) for online, and probes', async () => {
    vi.stubGlobal('navigator', undefined);
    const { fetcher, calls } = browserFetch('opaque', 'refused');
    expect(await diagnoseNetworkFailure(ENDPOINT, { fetch: fetcher })).toBe('origin-not-allowed');
    expect(calls).toHaveLength(2);
  });

  it('reads navigator.onLine by default', async () => {
    const { fetcher, calls } = browserFetch('opaque');
    vi.stubGlobal('navigator', { onLine: false });
    expect(await diagnoseNetworkFailure(ENDPOINT, { fetch: fetcher })).toBe('network');
    expect(calls).toHaveLength(0);
  });
});

describe('uploadFile, when the request gets no answer', () => {
  /** Every post fails as a browser's XHR does without an answer (axios' own post, stubbed). */
  const failingAxios = (seen: Record<string, unknown>[] = []) =>
    vi.spyOn(axios, 'post').mockImplementation((_url: string, _body?: unknown, config?: AxiosRequestConfig) => {
      seen.push({ ...config });
      return Promise.reject(new AxiosError('Network Error', AxiosError.ERR_NETWORK));
    });
  const file = new File(['hello'], 'hello.txt', { type: 'text/plain' });

  it('rejects with origin-not-allowed when the probe finds the server reachable but refusing this origin', async () => {
    vi.stubGlobal('navigator', { onLine: true });
    const { fetcher, calls } = browserFetch('opaque', 'refused');
    vi.stubGlobal('fetch', fetcher);
    failingAxios();
    const upload = uploadFile({ file, conversationId: 'c1', endpoint: ENDPOINT, headers: { Authorization: 'Bearer host' } });
    const error = (await upload.catch((thrown: unknown) => thrown)) as Error;
    expect(error).toMatchObject({ code: 'origin-not-allowed', fileName: 'hello.txt' });
    // What the browser reported stays reachable for the host's logs.
    expect(error.cause).toBeInstanceOf(AxiosError);
    // The CORS check sends what the upload sent: the widget's header and the host's.
    expect(calls[1]!.headers).toEqual({ Authorization: 'Bearer host', 'X-Requested-With': 'ghl-attachments' });
  });

  it('rejects with network when the server cannot be reached', async () => {
    vi.stubGlobal('navigator', { onLine: true });
    vi.stubGlobal('fetch', browserFetch('refused').fetcher);
    failingAxios();
    await expect(uploadFile({ file, conversationId: 'c1', endpoint: ENDPOINT })).rejects.toMatchObject({ code: 'network' });
  });

  it('reads headers given as a function before each request (short-lived auth)', async () => {
    vi.stubGlobal('navigator', { onLine: false });
    const seen: Record<string, unknown>[] = [];
    failingAxios(seen);
    let n = 0;
    const headers = async () => ({ Authorization: `Bearer token-${(n += 1)}` });
    await expect(uploadFile({ file, conversationId: 'c1', headers })).rejects.toMatchObject({ code: 'network' });
    await expect(uploadFile({ file, conversationId: 'c1', headers })).rejects.toMatchObject({ code: 'network' });
    expect(seen.map((config) => (config.headers as Record<string, string>).Authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('passes withCredentials to axios (default false)', async () => {
    vi.stubGlobal('navigator', { onLine: false });
    const seen: Record<string, unknown>[] = [];
    failingAxios(seen);
    await expect(uploadFile({ file, conversationId: 'c1' })).rejects.toMatchObject({ code: 'network' });
    await expect(uploadFile({ file, conversationId: 'c1', withCredentials: true })).rejects.toMatchObject({ code: 'network' });
    expect(seen.map((config) => config.withCredentials)).toEqual([false, true]);
  });

  it('says cancelled, not a diagnosis, when the user cancels', async () => {
    vi.stubGlobal('navigator', { onLine: true });
    const { fetcher, calls } = browserFetch('opaque', 'refused');
    vi.stubGlobal('fetch', fetcher);
    const controller = new AbortController();
    controller.abort();
    const cancelled = vi.spyOn(axios, 'post').mockImplementation(() => Promise.reject(new CanceledError()));
    await expect(uploadFile({ file, conversationId: 'c1', signal: controller.signal })).rejects.toMatchObject({ code: 'cancelled' });
    cancelled.mockRestore();
    // A network error that comes with the cancel is the cancel.
    failingAxios();
    const error = (await uploadFile({ file, conversationId: 'c1', signal: controller.signal }).catch((thrown: unknown) => thrown)) as Error;
    expect(error).toMatchObject({ code: 'cancelled', fileName: 'hello.txt' });
    expect(error.cause).toBeInstanceOf(AxiosError);
    expect(calls).toHaveLength(0);
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});
