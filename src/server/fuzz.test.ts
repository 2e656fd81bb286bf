/**
 * Fuzz: thousands of generated requests (src/testing/fuzz/) against the real BFF on a
 * loopback port, in front of the real mock HighLevel, sent over raw TCP. After every batch: the
 * process still answers, a good upload still succeeds, and HighLevel holds exactly the files the
 * BFF answered 200 for, each of the type its name claims, and the BFF holds no connection of a
 * client that left. Across the run: no answer is a 5xx, no request the server owes an answer
 * hangs, valid uploads get 200 with their files, the token appears in no answer, and nothing is
 * logged as an error or thrown out of the server.
 *
 * The requests come from fast-check (one property run is one batch of cases, see `fuzzBatch`):
 * `npm test` runs a fixed seed; `FUZZ_SEED=<n>` runs another (`FUZZ_SEED=random`, a new one,
 * printed), `FUZZ_BATCHES` and `FUZZ_BATCH_SIZE` change the run's size. A failure is fast-check's
 * counterexample, shrunk (to one half of the batch, then the other, then case by case, each
 * case's choices toward the simplest), with the seed and path that replay it:
 * `FUZZ_SEED=<seed> FUZZ_PATH=<path> npx vitest run src/server/fuzz.test.ts`.
 */
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFileType } from '../shared/file-types.js';
import type { UploadResponseBody } from '../shared/wire.js';
import { fixture } from '../testing/fixtures.js';
import { describeCase, fuzzBatch, generateCases, printable, sendAll, type CaseResult, type FuzzCase, type HttpAnswer } from '../testing/fuzz/index.js';
import { rawRequest, type RawAnswer } from '../testing/raw-request.js';
import { multipartBody } from '../testing/multipart.js';
import { startStack, type Stack } from '../testing/start-stack.js';
import { HEAD_BYTES } from './prepare-file.js';
import { contentMatches } from './sniff-content.js';

const envNumber = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
/** `npm test`'s seed: the same requests on every run, so that a failure is the code's, not luck's. */
const FIXED_SEED = 20_261_203;
const SEED = process.env.FUZZ_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : (envNumber('FUZZ_SEED') ?? FIXED_SEED);
/** fast-check's path to one (shrunk) counterexample of the run `SEED`: that batch alone is sent. */
const PATH = process.env.FUZZ_PATH || undefined;
const BATCHES = envNumber('FUZZ_BATCHES') ?? 10;
const BATCH_SIZE = envNumber('FUZZ_BATCH_SIZE') ?? 1000;
/** The whole run, shrinking included: a failure found late is still reported, shrunk as far as time allowed. */
const RUN_LIMIT_MS = 240_000;
// 32 sockets for most cases; the slow ones (waiting out the client window, or their own pauses)
// get up to 64 more, so that a batch takes about as long as its slowest case.
const LANES = { concurrency: 32, slowConcurrency: 64 };
const SEND = {
  // Owed answers come at once, or after the 1 s client window: 5 s is room for a loaded machine.
  deadlineMs: 5000,
  // A request that never ended its head is owed nothing; it is dropped after this.
  graceMs: 1000,
  quietMs: 400,
};

const TOKEN = 'pit-fuzz-suite-secret-0123456789abcdef';
const LOCATION = 'loc-fuzz';
const BOUNDARY = 'fuzzGoodBoundary';
const logs: { level: string; line: unknown[] }[] = [];
/** Errors thrown out of the server (in production: the process dies), with the batch they came in. */
const thrown: { error: unknown; batch: number }[] = [];
let currentBatch = 0;
const onThrown = (error: unknown) => thrown.push({ error, batch: currentBatch });
let stack: Stack;
let port: number;
let host: string;

beforeAll(async () => {
  process.on('uncaughtException', onThrown);
  process.on('unhandledRejection', onThrown);
  stack = await startStack({
    mock: { tokens: [{ token: TOKEN, locationId: LOCATION }], rateLimits: { max: 10_000_000, daily: 10_000_000 } },
    bff: {
      // Short, so that stalled clients cost a second each; low, so that dribbles are judged by it.
      clientRateWindowMs: 1000,
      clientMinBytesPerSecond: 64,
      // The same for bodies that must show who they are (sign-ins, sends, an upload's field).
      unauthenticatedDeadlineMs: 1000,
      // Generous: a busy machine must not turn a slow HighLevel answer into a 504 here.
      upstreamTimeoutMs: 15_000,
      previewSecret: 'fuzz-preview-secret-0123456789abcdef',
      logger: {
        info: (...line) => logs.push({ level: 'info', line }),
        warn: (...line) => logs.push({ level: 'warn', line }),
        error: (...line) => logs.push({ level: 'error', line }),
      },
    },
  });
  port = Number(new URL(stack.origin).port);
  host = new URL(stack.origin).host;
});
afterAll(async () => {
  process.off('uncaughtException', onThrown);
  process.off('unhandledRejection', onThrown);
  await stack.close();
});

interface Finding {
  problem: string;
  result?: CaseResult;
  detail?: string;
}

const codeOf = (answer: HttpAnswer): string => {
  try {
    return (JSON.parse(answer.body.toString('utf8')) as { error?: { code?: string } }).error?.code ?? '';
  } catch {
    return '';
  }
};
const isJson = (answer: HttpAnswer) => (answer.headers.get('content-type') ?? '').startsWith('application/json');

/** The files of the upload answers among `answers` (200 with our JSON). */
function uploadedFiles(answers: readonly HttpAnswer[]): UploadResponseBody['files'] | 'unreadable' {
  const files: UploadResponseBody['files'] = [];
  for (const answer of answers) {
    if (answer.status !== 200 || !isJson(answer)) continue;
    if (!answer.complete) return 'unreadable';
    try {
      // A sent message's 200 lists no files.
      files.push(...((JSON.parse(answer.body.toString('utf8')) as Partial<UploadResponseBody>).files ?? []));
    } catch {
      return 'unreadable';
    }
  }
  return files;
}

/** What is wrong with one case's answers, if anything. */
function examine(result: CaseResult, answered: Map<string, { size: number; from: string }>): Finding[] {
  const findings: Finding[] = [];
  const { case: fuzzCase, answers, outcome } = result;
  const first = answers[0];
  // A request the client finished sending and waited on must be answered. (When the server
  // closes while bytes are still going out, its answer is lost to the reset: not counted.)
  if (fuzzCase.expect === 'answer' && outcome !== 'answer' && (result.sentAll || outcome === 'timeout')) findings.push({ problem: `no answer (${outcome})`, result });
  if (fuzzCase.expect === 'end' && outcome === 'timeout') findings.push({ problem: 'hang: no answer and no close', result });
  for (const answer of answers) {
    if (Number.isNaN(answer.status)) findings.push({ problem: 'an answer that is not HTTP', result });
    // 503 too: with at most 96 sockets, the in-flight and read-ahead budgets are far away.
    else if (answer.status >= 500) findings.push({ problem: `${answer.status} ${codeOf(answer)}`, result });
  }
  if (result.raw.includes(TOKEN)) findings.push({ problem: 'the token in an answer', result });
  if (fuzzCase.expectStatus !== undefined && first && first.status !== fuzzCase.expectStatus) {
    findings.push({ problem: `valid upload answered ${first.status} ${codeOf(first)}`, result });
  }
  const files = uploadedFiles(answers);
  if (files === 'unreadable') {
    findings.push({ problem: '200 with an unreadable body', result });
    return findings;
  }
  if (fuzzCase.expectFiles && first?.status === 200) {
    const got = files.map((file) => ({ name: file.name, size: file.size }));
    if (JSON.stringify(got) !== JSON.stringify(fuzzCase.expectFiles)) {
      findings.push({ problem: 'valid upload answered with other files', result, detail: `expected ${JSON.stringify(fuzzCase.expectFiles)}, got ${JSON.stringify(got)}` });
    }
  }
  for (const file of files) {
    let path: string;
    try {
      path = new URL(file.url).pathname;
    } catch {
      findings.push({ problem: 'a 200 with a URL that does not parse', result, detail: file.url });
      continue;
    }
    answered.set(path, { size: file.size, from: `#${fuzzCase.id}` });
  }
  return findings;
}

function report(findings: readonly Finding[]): string {
  const groups = new Map<string, Finding[]>();
  for (const finding of findings) groups.set(finding.problem, [...(groups.get(finding.problem) ?? []), finding]);
  const lines = [`${findings.length} problem(s), seed ${SEED}`];
  for (const [problem, group] of groups) {
    lines.push(`\n■ ${problem}: ×${group.length}`);
    for (const finding of group.slice(0, 3)) {
      if (finding.detail) lines.push(`  ${finding.detail}`);
      if (finding.result) {
        lines.push(`  ${describeCase(finding.result.case, 800).replace(/\n/g, '\n  ')}`);
        lines.push(`  answer (${finding.result.outcome}${finding.result.error ? `, ${finding.result.error}` : ''}, ${finding.result.ms} ms): ${printable(finding.result.raw, 600)}`);
      }
    }
  }
  return lines.join('\n');
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms (seed ${SEED})`)), ms);
    }),
  ]);
}

const png = () => Buffer.from(fixture('sample.png').bytes);

/** A good upload, by a plain HTTP client: must get 200 and a URL serving the very bytes. */
async function goodUpload(batch: number): Promise<{ path: string; size: number }> {
  const body = multipartBody(BOUNDARY, [
    { headers: 'Content-Disposition: form-data; name="conversationId"', body: `good-${batch}` },
    { headers: 'Content-Disposition: form-data; name="file"; filename="good.png"\r\nContent-Type: image/png', body: png() },
  ]);
  const answer: RawAnswer | undefined = await withTimeout(
    rawRequest(stack.endpoint, {
      headers: { 'Content-Type': `multipart/form-data; boundary=${BOUNDARY}`, 'Content-Length': body.length, 'X-Requested-With': 'ghl-attachments', Connection: 'close' },
      body: [body],
    }),
    10_000,
    `good upload after batch ${batch}`,
  );
  expect(answer?.status, `good upload after batch ${batch} (seed ${SEED}): ${answer?.text}`).toBe(200);
  const file = (JSON.parse(answer!.text) as UploadResponseBody).files[0]!;
  expect(file.url, `seed ${SEED}`).toMatch(/^http:\/\//);
  const served = Buffer.from(await (await fetch(file.url)).arrayBuffer());
  expect(served.equals(png()), `the good upload's URL serves its bytes (seed ${SEED})`).toBe(true);
  return { path: new URL(file.url).pathname, size: file.size };
}

/** The server still takes connections and answers a plain OPTIONS and GET (204 and 403 today). */
async function expectAlive(batch: number): Promise<void> {
  for (const method of ['OPTIONS', 'GET']) {
    const answer = await withTimeout(rawRequest(stack.endpoint, { method, headers: { Connection: 'close' } }), 10_000, `${method} after batch ${batch}`);
    expect(answer?.status, `${method} after batch ${batch} (seed ${SEED}): ${answer?.text}`).toBeGreaterThanOrEqual(200);
    expect(answer?.status, `${method} after batch ${batch} (seed ${SEED}): ${answer?.text}`).toBeLessThan(500);
  }
}

/** How many connections the BFF holds once every client of the batch is gone (0 within 3 s). */
async function openConnections(): Promise<number> {
  const count = () => new Promise<number>((resolve) => stack.server.getConnections((_, n) => resolve(n)));
  for (const until = Date.now() + 3000; Date.now() < until; await new Promise((wait) => setTimeout(wait, 50))) {
    if ((await count()) === 0) return 0;
  }
  return count();
}

/** Waits until the mock has stopped changing: uploads of clients that left may still land. */
async function settled(): Promise<void> {
  const snapshot = () => `${stack.mock.stats.uploadRequests}/${stack.mock.stats.uploadsStored}/${stack.mock.files.size}`;
  let last = snapshot();
  let stableSince = Date.now();
  for (const until = Date.now() + 5000; Date.now() < until; ) {
    await new Promise((wait) => setTimeout(wait, 50));
    const now = snapshot();
    if (now !== last) {
      last = now;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= 250) return;
  }
}

describe('fuzz', () => {
  it(`${BATCHES} × ${BATCH_SIZE} generated requests: the server lives, good uploads pass, HighLevel gets nothing it should not`, async () => {
    console.info(`fuzz: seed ${SEED}, ${PATH === undefined ? `${BATCHES} batches of ${BATCH_SIZE}` : `the counterexample at path ${PATH}`}`);
    const started = Date.now();
    /** URL path → what a 200 said about it, from fuzzed requests and good uploads of every batch. */
    const answered = new Map<string, { size: number; from: string }>();
    const checkedPaths = new Set<string>();
    const outcomes = new Map<string, number>();
    const statuses = new Map<string, number>();
    const orphans = new Map<string, number>();
    let sent = 0;
    let batch = 0;
    let nextId = 0;
    let previewHandle: string | undefined;
    let attachment: { handle: string; conversationId: string } | undefined;
    /** What each batch sent, for fast-check's report of a counterexample. */
    const sentCases = new WeakMap<object, FuzzCase[]>();

    const property = fc.asyncProperty(
      fuzzBatch(BATCH_SIZE, (recipes) => {
        const cases = sentCases.get(recipes);
        if (!cases) return `${recipes.length} case(s), not sent`;
        return `${cases.length} case(s):\n${cases.slice(0, 20).map((fuzzCase) => describeCase(fuzzCase, 600)).join('\n')}${cases.length > 20 ? `\n…and ${cases.length - 20} more` : ''}`;
      }),
      async (recipes) => {
        // A replay sends the counterexample at PATH alone: when it passes, fast-check goes on to
        // what follows it in the shrink tree, which was not asked for.
        if (PATH !== undefined && batch > 0) return;
        currentBatch = batch;
        batch += 1;
        const findings: Finding[] = [];
        const logsBefore = logs.length;
        const thrownBefore = thrown.length;
        const messagesBefore = stack.mock.stats.messagesSent;
        const filesBefore = stack.mock.files.size;
        /**
         * Cases whose connection ended, after a complete upload, before the route's answer could be
         * read: the client left, or Node's parser closed the connection over bytes that came after
         * the request (it answers 400 itself, and the request in flight is cancelled). HighLevel may
         * hold such an upload, as it would have stored it had the answer been read.
         */
        const lostAnswers = new Map<number, string>();
        let messagesAnswered = 0;
        let allowedOrphans = 0;

        const context = { host, ...(previewHandle ? { previewHandle } : {}), ...(attachment ? { attachment } : {}) };
        const cases = generateCases(recipes, nextId, context);
        nextId += cases.length;
        sentCases.set(recipes, cases);
        const results = await sendAll(port, cases, LANES, SEND);
        sent += results.length;
        /** Paths this batch's 200s named. */
        const answeredNow = new Map<string, { size: number; from: string }>();
        for (const result of results) {
          if (result.case.leavesAfterComplete) lostAnswers.set(result.case.id, 'the client left after sending it');
          else if (result.answers.length > 0 && result.answers.every((answer) => !isJson(answer))) {
            lostAnswers.set(result.case.id, "Node's parser closed the connection over bytes after it");
          }
          findings.push(...examine(result, answeredNow));
          outcomes.set(result.outcome, (outcomes.get(result.outcome) ?? 0) + 1);
          for (const answer of result.answers) statuses.set(String(answer.status), (statuses.get(String(answer.status)) ?? 0) + 1);
          const json = result.answers.find((answer) => answer.status === 200 && isJson(answer) && answer.complete);
          const previewUrl = json && (JSON.parse(json.body.toString('utf8')) as UploadResponseBody).files?.[0]?.previewUrl;
          if (previewUrl) previewHandle = new URL(previewUrl).searchParams.get('preview') ?? previewHandle;
          const handle = json && result.case.kind === 'valid' && (JSON.parse(json.body.toString('utf8')) as UploadResponseBody).files?.[0]?.handle;
          if (handle) attachment = { handle, conversationId: result.case.conversationId };
          if (result.case.kind === 'message' && json) messagesAnswered += 1;
        }

        // 1. Alive: new connections are taken and answered.
        await expectAlive(currentBatch);
        // 2. A good upload still succeeds.
        const good = await goodUpload(currentBatch);
        answeredNow.set(good.path, { size: good.size, from: `good upload ${currentBatch}` });
        for (const [path, claim] of answeredNow) answered.set(path, claim);

        // 3. HighLevel holds exactly what the BFF answered 200 for (and uploads whose answer was
        // lost, see lostAnswers), each file of the type its name claims; the BFF holds no connection.
        await settled();
        const connections = await openConnections();
        if (connections !== 0) findings.push({ problem: `connections the BFF still holds after its clients left: ${connections}` });
        for (const [path, stored] of stack.mock.files) {
          if (checkedPaths.has(path)) continue;
          checkedPaths.add(path);
          const type = findFileType(stored.fileName);
          const head = (await readFile(stored.path)).subarray(0, HEAD_BYTES);
          if (!type || !(await contentMatches(type, head))) findings.push({ problem: 'a file at HighLevel of another type than its name', detail: `${path}: "${stored.fileName}" holds ${printable(head, 80)}` });
          if (stored.locationId !== LOCATION) findings.push({ problem: 'a file at HighLevel for another location', detail: `${path}: ${stored.locationId}` });
          if (!/^[A-Za-z0-9_-]{1,128}$/.test(stored.conversationId)) findings.push({ problem: 'a file at HighLevel for a malformed conversation', detail: `${path}: ${JSON.stringify(stored.conversationId)}` });
          const claim = answered.get(path);
          if (claim) {
            if (claim.size !== stored.size) findings.push({ problem: 'a 200 that names another size than HighLevel holds', detail: `${path}: answered ${claim.size} bytes (${claim.from}), HighLevel holds ${stored.size}` });
            continue;
          }
          // Forms carry `fz-<case id>` (`fz-<id>-<n>` in pipelines) as their conversation.
          const ownerId = Number(/^fz-(\d+)/.exec(stored.conversationId)?.[1] ?? Number.NaN);
          const lost = lostAnswers.get(ownerId);
          if (lost) {
            allowedOrphans += 1;
            orphans.set(lost, (orphans.get(lost) ?? 0) + 1);
            continue;
          }
          const owner = results.find((result) => result.case.id === ownerId);
          findings.push({ problem: 'stored at HighLevel without a 200', detail: `${path} ("${stored.fileName}", conversation ${stored.conversationId})`, ...(owner ? { result: owner } : {}) });
        }
        for (const [path, claim] of answeredNow) {
          if (!stack.mock.files.has(path)) findings.push({ problem: 'answered 200 but HighLevel does not hold it', detail: `${path} (${claim.from})` });
        }
        const stored = stack.mock.files.size - filesBefore;
        if (stored !== answeredNow.size + allowedOrphans) {
          findings.push({ problem: 'files stored ≠ files answered 200 + uploads whose answer was lost', detail: `${stored} ≠ ${answeredNow.size} + ${allowedOrphans}` });
        }

        for (const entry of logs.slice(logsBefore)) if (entry.level === 'error') findings.push({ problem: `logged as an error: ${JSON.stringify(entry.line)}` });
        for (const { error } of thrown.slice(thrownBefore)) {
          const message = error instanceof Error ? error.message : String(error);
          findings.push({ problem: `thrown out of the server (outside tests: the process dies): ${message}`, detail: error instanceof Error ? error.stack : message });
        }
        if (JSON.stringify(logs.slice(logsBefore)).includes(TOKEN)) findings.push({ problem: 'the token in the logs' });
        // Sends never leave early: HighLevel stored exactly the messages answered 200.
        const messages = stack.mock.stats.messagesSent - messagesBefore;
        if (messages !== messagesAnswered) findings.push({ problem: 'messages HighLevel stored ≠ messages answered 200', detail: `${messages} ≠ ${messagesAnswered}` });
        if (findings.length > 0) throw new Error(report(findings));
      },
    );

    await fc.assert(property, {
      seed: SEED,
      numRuns: PATH === undefined ? BATCHES : 1,
      ...(PATH === undefined ? {} : { path: PATH }),
      plugins: [fc.interruptAfterTimeLimit(RUN_LIMIT_MS)],
    });

    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const count = (map: Map<string, number>) => [...map].sort().map(([key, n]) => `${key}: ${n}`).join(', ');
    const warnings = new Map<string, number>();
    for (const entry of logs) if (entry.level === 'warn') warnings.set(String(entry.line[0]), (warnings.get(String(entry.line[0])) ?? 0) + 1);
    console.info(
      `fuzz: seed ${SEED}, ${sent} requests in ${seconds} s; outcomes ${count(outcomes)}; statuses ${count(statuses)}; ` +
        `HighLevel: ${stack.mock.stats.uploadRequests} requests, ${stack.mock.files.size} files, ${stack.mock.stats.messagesSent} messages (uploads whose answer was lost: ${count(orphans) || 'none'}); ` +
        `warnings logged: ${count(warnings) || 'none'}`,
    );
    // A run cut short by the time limit sent fewer: that is a failure too.
    if (PATH === undefined) expect(sent).toBeGreaterThanOrEqual(Math.min(10_000, BATCHES * BATCH_SIZE));
  }, RUN_LIMIT_MS + 60_000);
});
