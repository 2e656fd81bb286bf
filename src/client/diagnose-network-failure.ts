/** How long each probe may take before the failure is taken for a lost connection, in ms. */
export const PROBE_TIMEOUT_MS = 4000;

/** What {@link diagnoseNetworkFailure} needs to know of the failed upload. */
export interface DiagnoseOptions {
  /**
   * The headers the upload set (`X-Requested-With`, the host's own): the browser's preflight
   * asked the server about them, so the CORS check sends them too. Default: none.
   */
  headers?: Record<string, string>;
  /** Whether the upload sent credentials (then the server must allow them too). Default: `false`. */
  withCredentials?: boolean;
  /** Stops the probes (the user cancelled). */
  signal?: AbortSignal;
  /** Default: {@link PROBE_TIMEOUT_MS}. */
  timeoutMs?: number;
  /** Default: the global `fetch`. */
  fetch?: typeof fetch;
  /** Default: `navigator.onLine` (true where there is no `navigator`). */
  onLine?: boolean;
}

/**
 * Why an upload to `endpoint` failed without any answer: `origin-not-allowed` when the server is
 * reachable but the browser refused to let this page talk to it (the BFF did not approve the
 * CORS preflight, or not with credentials), else `network` (offline, the server unreachable, or
 * the connection dropped). Never throws; each probe gives up after `timeoutMs`.
 *
 * Browsers report a CORS refusal exactly like a lost connection, so two probes tell them apart:
 * 1. `fetch(endpoint, { mode: 'no-cors' })`: an opaque answer means the server is reachable
 *    from another origin (a same-origin answer, or none, means CORS cannot be the cause);
 * 2. the same endpoint asked with CORS, as the upload was (same headers, so the same preflight,
 *    and the same credentials): when the browser lets that answer through, this page is allowed,
 *    and the upload failed in transit (a reset, a dropped connection): `network` again.
 */
export async function diagnoseNetworkFailure(endpoint: string, options: DiagnoseOptions = {}): Promise<'origin-not-allowed' | 'network'> {
  const onLine = options.onLine ?? (typeof navigator === 'undefined' || navigator.onLine !== false);
  // Stryker disable next-line ConditionalExpression: without a global fetch the value is undefined either way
  const fetcher = options.fetch ?? (typeof fetch === 'function' ? fetch : undefined);
  if (!onLine || !fetcher) return 'network';
  const timeoutMs = options.timeoutMs ?? PROBE_TIMEOUT_MS;
  const reach = await probe(fetcher, endpoint, { mode: 'no-cors', method: 'GET', credentials: 'omit', cache: 'no-store' }, timeoutMs, options.signal);
  if (reach?.type !== 'opaque') return 'network';
  const allowed = await probe(
    fetcher,
    endpoint,
    {
      mode: 'cors',
      method: 'GET',
      credentials: options.withCredentials ? 'include' : 'omit',
      cache: 'no-store',
      headers: options.headers,
    },
    timeoutMs,
    options.signal,
  );
  // A timeout here says nothing either way: the status quo (`network`) is the safer word.
  return allowed === null ? 'origin-not-allowed' : 'network';
}

/**
 * The answer to one request, `null` when the browser gave none (a network error, a CORS refusal),
 * `undefined` when it took longer than `timeoutMs` or was cancelled. Never throws.
 */
async function probe(
  fetcher: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<Response | null | undefined> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const stop = () => controller.abort();
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: the listener is removed in finally, and a signal aborts once
  signal?.addEventListener('abort', stop, { once: true });
  try {
    if (signal?.aborted) return undefined;
    const response = await Promise.race([
      fetcher(url, { ...init, signal: controller.signal }),
      // A fetch that ignores its signal must not hold the diagnosis forever.
      // Stryker disable next-line ObjectLiteral,BooleanLiteral: the controller aborts once and is dropped after the race
      new Promise<undefined>((resolve) => controller.signal.addEventListener('abort', () => resolve(undefined), { once: true })),
    ]);
    // Only whether an answer came matters, not its body.
    // Stryker disable next-line OptionalChaining: no response only after an abort, whose TypeError the catch answers alike
    response?.body?.cancel().catch(() => undefined);
    return response;
  } catch {
    return timedOut || signal?.aborted ? undefined : null;
  } finally {
    clearTimeout(timer);
    // Stryker disable next-line StringLiteral: a leftover listener aborts a controller that is already done
    signal?.removeEventListener('abort', stop);
  }
}
