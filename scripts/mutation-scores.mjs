// `node scripts/mutation-scores.mjs`: the score of each folder whose report a run left in
// reports/mutation, counted the way Stryker counts it, and the server's four parts added up
// when all four reports are there (CONTRIBUTING.md's tables are made from this).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const DIR = 'reports/mutation';
const PARTS = ['server-auth', 'server-requests', 'server-highlevel', 'server-route'];

/** Mutants by status in one report; a score leaves out the ignored and those that did not run. */
function count(report) {
  const tally = { mutants: 0, Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, Ignored: 0, RuntimeError: 0, CompileError: 0 };
  for (const file of Object.values(report.files)) {
    for (const mutant of file.mutants) {
      tally.mutants += 1;
      tally[mutant.status] = (tally[mutant.status] ?? 0) + 1;
    }
  }
  return tally;
}

function row(name, tally) {
  const detected = tally.Killed + tally.Timeout;
  const valid = detected + tally.Survived + tally.NoCoverage;
  const score = valid === 0 ? 'n/a' : `${((100 * detected) / valid).toFixed(1)} %`;
  const n = (value) => value.toLocaleString('en-US');
  return `| ${name} | ${score} | ${n(tally.mutants)} | ${n(detected)} (${n(tally.Timeout)}) | ${n(tally.Survived)} | ${n(tally.NoCoverage)} | ${n(tally.Ignored)} | ${n(tally.RuntimeError + tally.CompileError)} |`;
}

const names = existsSync(DIR) ? readdirSync(DIR).filter((name) => name.endsWith('.json') && !name.endsWith('-incremental.json')) : [];
if (names.length === 0) {
  console.error(`No reports in ${DIR}: run \`npm run test:mutation -- <folder>\` first.`);
  process.exit(1);
}
const tallies = new Map(names.map((name) => [name.replace(/\.json$/, ''), count(JSON.parse(readFileSync(join(DIR, name), 'utf8')))]));
console.log('| Folder | Score | Mutants | Killed (timeouts) | Survived | No coverage | Ignored | Errors |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
for (const [name, tally] of [...tallies].sort(([a], [b]) => a.localeCompare(b))) console.log(row(name, tally));
if (PARTS.every((part) => tallies.has(part))) {
  const sum = {};
  for (const part of PARTS) for (const [key, value] of Object.entries(tallies.get(part))) sum[key] = (sum[key] ?? 0) + value;
  console.log(row('server (the four parts)', sum));
}
