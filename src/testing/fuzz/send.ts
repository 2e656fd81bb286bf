/**
 * The client that sends the cases: a plain TCP socket, because Node's own HTTP client refuses to
 * send most of them, and a small parser for the answers.
 */
import { connect } from 'node:net';
import type { FuzzCase } from './fuzz-case.js';

export interface HttpAnswer {
  status: number;
  headers: Map<string, string>;
  body: Buffer;
  /** The whole answer arrived (framing satisfied). */
  complete: boolean;
}

export interface CaseResult {
  case: FuzzCase;
  /** `answer`: at least one status line; `closed`: the server closed without one; `left`: the client left first; `timeout`: nothing, until the deadline. */
  outcome: 'answer' | 'closed' | 'left' | 'timeout';
  /** Final (non-1xx) answers, in order. */
  answers: HttpAnswer[];
  raw: Buffer;
  /**
   * Every byte was handed to the kernel before the connection closed. (When the server closes
   * while bytes are still going out, the write fails, and Node drops what the server had
   * answered: the client cannot read it.)
   */
  sentAll: boolean;
  error?: string;
  ms: number;
}

export interface SendOptions {
  /** Wait this long after the last write for an answer the server owes (`answer`, `end`). */
  deadlineMs: number;
  /** ...and this long when none is owed (`any`). */
  graceMs: number;
  /** After a complete answer on a kept-alive connection, this long without more ends the case. */
  quietMs: number;
}

/**
 * The answers in `data`, parsed as HTTP/1.1 responses (1xx interim answers skipped). `ended`:
 * the server closed, so an answer without framing ends here.
 */
export function parseAnswers(data: Buffer, ended: boolean): HttpAnswer[] {
  const answers: HttpAnswer[] = [];
  let at = 0;
  while (at < data.length) {
    const headEnd = data.indexOf('\r\n\r\n', at);
    if (headEnd < 0) {
      const line = /^HTTP\/\d\.\d (\d{3})/.exec(data.toString('latin1', at, Math.min(data.length, at + 20)));
      if (line) answers.push({ status: Number(line[1]), headers: new Map(), body: Buffer.alloc(0), complete: false });
      break;
    }
    const lines = data.toString('latin1', at, headEnd).split('\r\n');
    const statusLine = /^HTTP\/\d\.\d (\d{3})/.exec(lines[0] ?? '');
    if (!statusLine) {
      answers.push({ status: Number.NaN, headers: new Map(), body: data.subarray(at), complete: false });
      break;
    }
    const status = Number(statusLine[1]);
    const headers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    let bodyStart = headEnd + 4;
    if (status >= 100 && status < 200) {
      at = bodyStart;
      continue;
    }
    if (status === 204 || status === 304) {
      answers.push({ status, headers, body: Buffer.alloc(0), complete: true });
      at = bodyStart;
      continue;
    }
    if (/chunked/i.test(headers.get('transfer-encoding') ?? '')) {
      const chunks: Buffer[] = [];
      let complete = false;
      for (;;) {
        const lineEnd = data.indexOf('\r\n', bodyStart);
        if (lineEnd < 0) break;
        const size = Number.parseInt(data.toString('latin1', bodyStart, lineEnd), 16);
        if (Number.isNaN(size)) break;
        if (size === 0) {
          const trailerEnd = data.indexOf('\r\n\r\n', lineEnd);
          if (trailerEnd >= 0) {
            complete = true;
            bodyStart = trailerEnd + 4;
          }
          break;
        }
        if (lineEnd + 2 + size + 2 > data.length) break;
        chunks.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
        bodyStart = lineEnd + 2 + size + 2;
      }
      answers.push({ status, headers, body: Buffer.concat(chunks), complete });
      if (!complete) break;
      at = bodyStart;
    } else if (headers.has('content-length')) {
      const length = Number(headers.get('content-length'));
      const complete = bodyStart + length <= data.length;
      answers.push({ status, headers, body: data.subarray(bodyStart, bodyStart + length), complete });
      if (!complete) break;
      at = bodyStart + length;
    } else {
      // No framing: the answer runs to the end of the connection (Node's own 400 has no body).
      answers.push({ status, headers, body: data.subarray(bodyStart), complete: ended || headers.get('connection')?.toLowerCase() === 'close' });
      break;
    }
  }
  return answers;
}

/** Sends one case over a fresh TCP connection to `port` on loopback. */
export function sendCase(port: number, fuzzCase: FuzzCase, options: SendOptions): Promise<CaseResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const received: Buffer[] = [];
    const socket = connect({ port, host: '127.0.0.1', noDelay: true });
    let serverEnded = false;
    let closed = false;
    let left = false;
    let sentAll = false;
    let writesDone = false;
    let writing = false;
    let writeFailed = false;
    let error: string | undefined;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    let quiet: ReturnType<typeof setTimeout> | undefined;
    let settled = false;

    const finish = (timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      clearTimeout(quiet);
      socket.destroy();
      const raw = Buffer.concat(received);
      const answers = parseAnswers(raw, serverEnded || closed);
      const outcome = answers.length > 0 ? 'answer' : left ? 'left' : timedOut ? 'timeout' : 'closed';
      resolve({ case: fuzzCase, outcome, answers, raw, sentAll: sentAll && !writeFailed, ...(error ? { error } : {}), ms: Date.now() - started });
    };

    /** After the writes, whether what came so far is all that will come. */
    const check = () => {
      if (!writesDone || settled) return;
      const answers = parseAnswers(Buffer.concat(received), false);
      const last = answers[answers.length - 1];
      clearTimeout(quiet);
      if (!last?.complete) return;
      if (last.headers.get('connection')?.toLowerCase() === 'close') {
        finish(false);
        return;
      }
      quiet = setTimeout(() => finish(false), options.quietMs);
    };

    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      check();
    });
    socket.on('end', () => {
      serverEnded = true;
    });
    socket.on('error', (err: NodeJS.ErrnoException) => {
      error = err.code ?? err.message;
    });
    socket.on('close', () => {
      closed = true;
      // While writing, the write loop sees the close and finishes the case itself.
      if (!writing) finish(false);
    });
    socket.once('connect', () => {
      writing = true;
      void (async () => {
        for (const write of fuzzCase.writes) {
          if (closed || socket.destroyed) break;
          if (typeof write === 'number') await new Promise((wait) => setTimeout(wait, write));
          else
            socket.write(write, (err) => {
              if (err) writeFailed = true;
            });
        }
        sentAll = !closed && !socket.destroyed;
        writesDone = true;
        writing = false;
        if (closed) {
          finish(false);
          return;
        }
        if (fuzzCase.then === 'destroy') {
          left = true;
          finish(false);
          return;
        }
        if (fuzzCase.then === 'half-close') socket.end();
        deadline = setTimeout(() => finish(true), fuzzCase.expect === 'any' ? options.graceMs : options.deadlineMs);
        check();
      })();
    });
  });
}

/**
 * Runs `cases` over at most `concurrency` sockets at once, and the slow ones (which mostly wait:
 * for the client window, or between their own writes) over up to `slowConcurrency` more, so that
 * they do not starve the rest.
 */
export async function sendAll(
  port: number,
  cases: readonly FuzzCase[],
  lanes: { concurrency: number; slowConcurrency: number },
  options: SendOptions,
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  const run = async (queue: FuzzCase[], width: number) => {
    await Promise.all(
      Array.from({ length: Math.min(width, queue.length) }, async () => {
        for (let fuzzCase = queue.shift(); fuzzCase; fuzzCase = queue.shift()) results.push(await sendCase(port, fuzzCase, options));
      }),
    );
  };
  await Promise.all([
    run(cases.filter((fuzzCase) => fuzzCase.slow), lanes.slowConcurrency),
    run(cases.filter((fuzzCase) => !fuzzCase.slow), lanes.concurrency),
  ]);
  return results.sort((a, b) => a.case.id - b.case.id);
}
