/**
 * `npm run bench:profile`: where the BFF's CPU time goes, beside the bare proxy's. Each runs under
 * V8's sampling profiler while 96 uploads of 5 MB go through it, 8 at once, to the mock; printed
 * are the throughput, the CPU time per 100 MB (the process's own count) and the functions that
 * took the most time themselves. The figures in docs/benchmarks.md's notes come from here.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pngOfSize } from '../src/testing/fixtures.js';
import { bffForm, highLevelForm, runLoad, type PreparedUpload } from './load.js';
import { spreadOverLocations } from './locations.js';
import { startServer } from './processes.js';

const FIVE_MB = 5_000_000;
const UPLOADS = 96;

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function, in ms, largest first; idle time left out. */
function selfTimes(profile: CpuProfile): [string, number][] {
  const names = new Map(
    profile.nodes.map(({ id, callFrame: { functionName, url, lineNumber } }) => [
      id,
      `${functionName || '(anonymous)'}${url ? ` ${basename(url)}:${lineNumber + 1}` : ''}`,
    ]),
  );
  const totals = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const name = names.get(id)!;
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[index] ?? 0) / 1000);
  });
  totals.delete('(idle)');
  return [...totals].sort((a, b) => b[1] - a[1]);
}

async function profile(name: 'bff' | 'bare-proxy', mockUrl: string, upload: PreparedUpload, path: string) {
  const dir = mkdtempSync(join(tmpdir(), `ghl-profile-${name}-`));
  const server = await startServer(name, { MOCK_URL: mockUrl }, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
  try {
    await runLoad(`${server.url}${path}`, upload, FIVE_MB, 8, 4, spreadOverLocations); // warm-up
    const before = { cpu: await server.cpuMs(), gcs: await server.majorGcs() };
    const load = await runLoad(`${server.url}${path}`, upload, FIVE_MB, UPLOADS, 8, spreadOverLocations);
    const cpuPer100MB = ((await server.cpuMs()) - before.cpu) / ((UPLOADS * FIVE_MB) / 100e6);
    const majorGcs = (await server.majorGcs()) - before.gcs;
    await server.stop();
    // The largest profile is the server's main thread (tsx's loader thread writes one too).
    const file = readdirSync(dir).map((entry) => join(dir, entry)).sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
    return { load, cpuPer100MB, majorGcs, top: selfTimes(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile).slice(0, 10) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const file = Buffer.from(pngOfSize(FIVE_MB, 1));
const mock = await startServer('mock');
try {
  const bff = await profile('bff', mock.url, bffForm(file, 'a.png'), '/api/attachments');
  const bare = await profile('bare-proxy', mock.url, highLevelForm(file, 'a.png'), '/');
  console.log(`${UPLOADS} uploads of 5 MB, 8 at once (${(UPLOADS * FIVE_MB) / 1e6} MB), Node ${process.version}`);
  console.log(`throughput: BFF ${bff.load.mbPerSecond.toFixed(1)} MB/s, bare proxy ${bare.load.mbPerSecond.toFixed(1)} MB/s (${(bff.load.mbPerSecond / bare.load.mbPerSecond).toFixed(2)}×)`);
  console.log(`CPU per 100 MB: BFF ${bff.cpuPer100MB.toFixed(0)} ms, bare proxy ${bare.cpuPer100MB.toFixed(0)} ms (${(bff.cpuPer100MB / bare.cpuPer100MB).toFixed(2)}×)`);
  // Their marking runs on V8's helper threads: the main thread's profile below hardly shows it.
  console.log(`full garbage collections: BFF ${bff.majorGcs}, bare proxy ${bare.majorGcs}`);
  for (const [label, result] of [['BFF', bff], ['bare proxy', bare]] as const) {
    console.log(`\n${label}: most self time, whole run (ms)`);
    for (const [name, ms] of result.top) console.log(`  ${ms.toFixed(0).padStart(6)}  ${name}`);
  }
} finally {
  await mock.stop();
}
