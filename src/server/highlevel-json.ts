import { uploadError } from '../shared/upload-error.js';
import { HIGHLEVEL_API_VERSION } from './forward-upload.js';
import type { ResolvedLogger } from './logger.js';
import type { HighLevel } from './resolve-options.js';

/** HighLevel's answer to a JSON call: its status, headers and parsed body (`undefined` when not JSON). */
export interface HighLevelJsonAnswer {
  status: number;
  headers: Headers;
  data: unknown;
  text: string;
}

/**
 * One JSON call to HighLevel's API with the server's token, within `upstreamTimeoutMs`
 * (`highlevel-timeout` after) and never following a redirect (it could lead anywhere, with the
 * token). It is not tied to the browser's request: a send HighLevel has begun is seen through,
 * so that its answer can be kept for the retry of a client that went away.
 */
export async function callHighLevel(
  { highlevel, logger }: { highlevel: Pick<HighLevel, 'apiBase' | 'fetch' | 'upstreamTimeoutMs'>; logger: Pick<ResolvedLogger, 'warn'> },
  token: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<HighLevelJsonAnswer> {
  const fetchImpl = highlevel.fetch ?? globalThis.fetch;
  let response: Response;
  try {
    response = await fetchImpl(`${highlevel.apiBase}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        Version: HIGHLEVEL_API_VERSION,
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      // No body for a GET: JSON.stringify(undefined) is undefined.
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(highlevel.upstreamTimeoutMs),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, data: parseJson(text), text };
  } catch (error) {
    if ((error as { name?: string } | null)?.name === 'TimeoutError') throw uploadError('highlevel-timeout');
    logger.warn('HighLevel could not be reached', { error: String(error) });
    throw uploadError('highlevel-unavailable', { cause: error });
  }
}

function parseJson(text: string): unknown {
  try {
    // Stryker disable BlockStatement: an empty catch returns undefined too
    return JSON.parse(text);
  } catch {
    // Stryker restore BlockStatement
    return undefined;
  }
}
