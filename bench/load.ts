import { randomUUID } from 'node:crypto';
import { Agent, request, type ClientRequest } from 'node:http';
import { fieldPart, filePart, multipart } from '../src/testing/multipart.js';

/** A multipart body built once, so the load generator spends its time sending, not encoding. */
export interface PreparedUpload {
  body: Buffer;
  contentType: string;
  headers: Record<string, string>;
}

/** The form the widget sends to the BFF: the conversation first, then the file. */
export function bffForm(file: Buffer, name: string): PreparedUpload {
  return form([['conversationId', 'bench']], file, 'file', name, { 'X-Requested-With': 'ghl-attachments' });
}

/** HighLevel's own form, for the bare proxy and for posting straight to the mock. */
export function highLevelForm(file: Buffer, name: string): PreparedUpload {
  return form([['locationId', 'mock-location'], ['conversationId', 'bench']], file, 'fileAttachment', name, {
    Authorization: 'Bearer mock-token',
    Version: '2021-04-15',
  });
}

function form(fields: [string, string][], file: Buffer, fileField: string, name: string, headers: Record<string, string>): PreparedUpload {
  const { body, contentType } = multipart([...fields.map(([key, value]) => fieldPart(key, value)), filePart({ field: fileField, name, bytes: file, type: 'image/png' })], {
    boundary: `----bench${randomUUID()}`,
  });
  return { body, contentType, headers };
}

export interface LoadResult {
  seconds: number;
  /** File megabytes (10^6 bytes) per second, counting only uploads answered 200. */
  mbPerSecond: number;
  ok: number;
  failed: number;
}

/**
 * Sends `count` uploads to `url`, `concurrency` at a time, and times the whole run; `headersOf`
 * adds headers to the n-th upload (its location, say). Default: none.
 */
export async function runLoad(
  url: string,
  upload: PreparedUpload,
  fileBytes: number,
  count: number,
  concurrency: number,
  headersOf: (index: number) => Record<string, string> = () => ({}),
): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  let next = 0;
  let ok = 0;
  let failed = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const index = next;
        next += 1;
        const status = await send(url, upload, agent, headersOf(index));
        if (status === 200) ok += 1;
        else failed += 1;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return { seconds, mbPerSecond: (ok * fileBytes) / 1e6 / seconds, ok, failed };
}

function send(url: string, upload: PreparedUpload, agent: Agent, extra: Record<string, string>): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { ...upload.headers, ...extra, 'Content-Type': upload.contentType, 'Content-Length': upload.body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(0));
    req.end(upload.body);
  });
}

/**
 * Sends one upload no faster than `bytesPerSecond`, in 1 MiB slices, as a client on a real link
 * would, and times it from the first byte to the end of the answer. At full loopback speed the
 * client, the proxy and the mock compete for the same cores; at a paced rate what is left is what
 * a proxy adds after the last byte, which is where streaming and buffering differ.
 */
export async function sendPaced(url: string, upload: PreparedUpload, bytesPerSecond: number): Promise<{ seconds: number; status: number }> {
  const slice = 1024 * 1024;
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  const status = await new Promise<number>((resolve) => {
    const req = request(url, {
      method: 'POST',
      headers: { ...upload.headers, 'Content-Type': upload.contentType, 'Content-Length': upload.body.length },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    void (async () => {
      for (let offset = 0; offset < upload.body.length; offset += slice) {
        const due = offset / bytesPerSecond - elapsed();
        if (due > 0) await new Promise((wake) => setTimeout(wake, due * 1000));
        if (req.destroyed) return;
        if (!req.write(upload.body.subarray(offset, offset + slice))) await drainedOrClosed(req);
      }
      req.end();
    })().catch(() => resolve(0));
  });
  return { seconds: elapsed(), status };
}

/** Waits for `req` to take more data, or to close (a server that answers early never drains). */
function drainedOrClosed(req: ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      req.off('drain', done).off('close', done);
      resolve();
    };
    req.on('drain', done).on('close', done);
  });
}
