// `node scripts/mutation-scores.mjs`: the score of each folder whose report a run left in
// reports/mutation, counted the way Stryker counts it, with the time the report was written, and
// the server's four parts added up when all four reports are there. Ignored counts the mutants
// of `Stryker disable` comments and, in the server's runs (`ignoreStatic`), the static ones.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FOLDERS } from '../stryker.config.mjs';

const DIR = 'reports/mutation';
/** The server's parts, each a run of its own (stryker.config.mjs): together they are `server`. */
const PARTS = Object.keys(FOLDERS).filter((name) => name.startsWith('server-'));

/** A glob of stryker.config.mjs as a regular expression: `**` and a slash for any folders, `*` within one. */
function globPattern(glob) {
  const escaped = (part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*');
  return new RegExp(`^${glob.split('**/').map(escaped).join('(?:.*/)?')}$`);
}

/** Whether the folder mutates `path` (its globs, less tests and entry points, as the config). */
function mutatedBy(folder, path) {
  const globs = FOLDERS[folder]?.mutate ?? ['**/*'];
  const wanted = globs.filter((glob) => !glob.startsWith('!')).some((glob) => globPattern(glob).test(path));
  const dropped = globs.filter((glob) => glob.startsWith('!')).some((glob) => globPattern(glob.slice(1)).test(path));
  return wanted && !dropped && !/\.test\.tsx?$/.test(path) && !path.endsWith('/index.ts');
}

/**
 * Mutants by status in one report; a score leaves out the ignored and those that did not run.
 * Only the folder's own files count: a report also carries the files of the incremental file it
 * started from, with their old results.
 */
function count(folder, report) {
  const tally = { mutants: 0, Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, Ignored: 0, RuntimeError: 0, CompileError: 0 };
  for (const [path, file] of Object.entries(report.files)) {
    if (!mutatedBy(folder, path)) continue;
    for (const mutant of file.mutants) {
      tally.mutants += 1;
      tally[mutant.status] = (tally[mutant.status] ?? 0) + 1;
    }
  }
  return tally;
}

function row(name, tally, written) {
  const detected = tally.Killed + tally.Timeout;
  const valid = detected + tally.Survived + tally.NoCoverage;
  // Rounded down, so that a score under a threshold never prints as the threshold.
  const score = valid === 0 ? 'n/a' : `${(Math.floor((10_000 * detected) / valid) / 100).toFixed(2)} %`;
  const n = (value) => value.toLocaleString('en-US');
  return `| ${name} | ${score} | ${n(tally.mutants)} | ${n(detected)} (${n(tally.Timeout)}) | ${n(tally.Survived)} | ${n(tally.NoCoverage)} | ${n(tally.Ignored)} | ${n(tally.RuntimeError + tally.CompileError)} | ${written} |`;
}

const names = existsSync(DIR) ? readdirSync(DIR).filter((name) => name.endsWith('.json') && !name.endsWith('-incremental.json')) : [];
if (names.length === 0) {
  console.error(`No reports in ${DIR}: run \`npm run test:mutation -- <folder>\` first.`);
  process.exit(1);
}
const reports = new Map(
  names.map((name) => {
    const path = join(DIR, name);
    const folder = name.replace(/\.json$/, '');
    return [folder, { tally: count(folder, JSON.parse(readFileSync(path, 'utf8'))), written: statSync(path).mtime.toISOString().slice(0, 16).replace('T', ' ') }];
  }),
);
console.log('| Folder | Score | Mutants | Killed (timeouts) | Survived | No coverage | Ignored | Errors | Report written (UTC) |');
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const [name, { tally, written }] of [...reports].sort(([a], [b]) => a.localeCompare(b))) console.log(row(name, tally, written));
if (PARTS.every((part) => reports.has(part))) {
  const sum = {};
  for (const part of PARTS) for (const [key, value] of Object.entries(reports.get(part).tally)) sum[key] = (sum[key] ?? 0) + value;
  console.log(row('server (the four parts)', sum, 'the oldest part counts'));
}
