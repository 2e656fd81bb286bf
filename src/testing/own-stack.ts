/**
 * A real BFF and mock HighLevel of the component test file's own, started in plain Node by the
 * component tests' global setup (src/react/global-setup.ts). Test files run in parallel: a fault
 * queued on a shared mock would be played on whichever file's upload came next, and a count of its
 * requests would include other files' uploads.
 *
 * The calls go through `node:http`, not the test environment's `fetch` (happy-dom's, which would
 * apply the page's CORS rules to the test's own control requests).
 */
import { request } from 'node:http';
import { inject } from 'vitest';
import type { MockFault } from '../mock-highlevel/index.js';
import type { FileTypeId } from '../shared/file-types.js';

export interface OwnStackOptions {
  /** The BFF's `maxUploadsInFlight` (a busy server: past it, 503 `server-busy`). */
  maxUploadsInFlight?: number;
  /** The BFF's `allowedTypes`, by id (a BFF whose policy is narrower than the widget's default). */
  allowedTypes?: FileTypeId[];
}

export interface OwnStack {
  /** The BFF's origin: the page is put there, as the widget is served in an app (no CORS). */
  origin: string;
  /** The mock plays `fault` instead of its answer to the next upload that reaches it. */
  failNext(fault: MockFault): Promise<void>;
  /** Upload requests that reached the mock so far. */
  uploadRequests(): Promise<number>;
  /** The mock plays `fault` instead of its answer to the next send that reaches it. */
  failNextSend(fault: MockFault | { kind: 'delay'; ms: number }): Promise<void>;
  /** Messages the mock stored so far. */
  messagesSent(): Promise<number>;
}

export async function ownStack(options: OwnStackOptions = {}): Promise<OwnStack> {
  const { origin } = JSON.parse(await call(`${inject('stackFactoryOrigin')}/stacks`, 'POST', JSON.stringify(options))) as { origin: string };
  return {
    origin,
    failNext: async (fault) => void (await call(`${origin}/__fail`, 'POST', JSON.stringify(fault))),
    uploadRequests: async () => (JSON.parse(await call(`${origin}/__stats`, 'GET')) as { uploadRequests: number }).uploadRequests,
    failNextSend: async (fault) => void (await call(`${origin}/__fail-send`, 'POST', JSON.stringify(fault))),
    messagesSent: async () => (JSON.parse(await call(`${origin}/__stats`, 'GET')) as { messagesSent: number }).messagesSent,
  };
}

function call(url: string, method: string, body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => (res.statusCode! < 300 ? resolve(text) : reject(new Error(`${method} ${url}: ${res.statusCode} ${text}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
}
