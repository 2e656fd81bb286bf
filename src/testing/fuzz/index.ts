/**
 * Generated HTTP requests for the fuzz test (src/server/fuzz.test.ts), as raw bytes: valid
 * uploads, and the same uploads broken in the ways a hostile or broken client breaks them
 * (methods, targets, Host values, header bytes, framing, multipart bodies, truncations, slow
 * writes, clients that leave). Every choice is drawn by fast-check (see {@link fuzzBatch}), so its
 * seed replays a run and a failing batch shrinks to a small one; and the client that sends them.
 */
export type { Expectation, ExpectedFile, FuzzCase, FuzzContext, FuzzKind, Then } from './fuzz-case.js';
export { ROUTE } from './draft.js';
export { caseArbitrary, fuzzBatch, generateCases, type CaseRecipe } from './recipe.js';
export { generateCase } from './generate-case.js';
export { parseAnswers, sendAll, sendCase, type CaseResult, type HttpAnswer, type SendOptions } from './send.js';
export { describeCase, printable } from './report.js';
