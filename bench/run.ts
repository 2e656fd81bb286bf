/**
 * `npm run bench`: the BFF measured side by side with the alternatives, in one run, on loopback,
 * with the HighLevel mock as upstream. Each server runs in a process of its own, so its peak
 * memory is its own. Figures are printed as ratios with the raw numbers beside them; rounds
 * alternate between the contenders and the median is kept, because these machines are shared.
 */
import { spawnSync } from 'node:child_process';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { pngOfSize } from '../src/testing/fixtures.js';
import { bffForm, highLevelForm, runLoad, sendPaced, type LoadResult, type PreparedUpload } from './load.js';
import { LOCATIONS, spreadOverLocations } from './locations.js';
import { startServer, type BenchServer } from './processes.js';
import { measureStart, type StartFigures } from './start-process.js';
import { measureShrink } from './shrink.js';
import { measureWidget } from './widget.js';

const MB = 1e6;
const FIVE_MB = 5_000_000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/**
 * `BENCH_ONLY=cpu,memory` runs only the sections named (start, cpu, memory, big, widget, shrink);
 * unset, all of them. The CPU figure comes with the throughput section (`cpu`).
 */
const ONLY = new Set((process.env.BENCH_ONLY ?? '').split(',').map((name) => name.trim()).filter(Boolean));
const selected = (section: string) => ONLY.size === 0 || ONLY.has(section);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (value: number, digits = 1) => value.toFixed(digits);
/** The median of timings in seconds, in milliseconds. */
const ms = (seconds: number[]) => `${fmt(median(seconds) * 1000, 0)} ms`;
const rows: string[][] = [];

function report(name: string, ratio: number, target: string, pass: boolean, raw: string) {
  rows.push([name, `${fmt(ratio, 2)}×`, target, pass ? 'met' : 'MISSED', raw]);
  console.log(`  ${name}: ${fmt(ratio, 2)}× (target ${target}) ${pass ? 'met' : 'MISSED'} — ${raw}`);
}

async function withServers<T>(specs: [string, Record<string, string>][], run: (servers: BenchServer[]) => Promise<T>): Promise<T> {
  const servers = await Promise.all(specs.map(([name, env]) => startServer(name, env)));
  try {
    return await run(servers);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

function expectAllOk(label: string, result: LoadResult) {
  if (result.failed > 0) throw new Error(`${label}: ${result.failed} uploads failed`);
}

async function throughputVsBareProxy(mockUrl: string) {
  console.log(`\n1. Throughput: BFF vs a bare pass-through proxy (48 uploads of 5 MB, 8 at once, over ${LOCATIONS.length} locations); CPU time beside buffering then re-posting`);
  const file = Buffer.from(pngOfSize(FIVE_MB, 1));
  const servers: [string, Record<string, string>][] = [['bff', { MOCK_URL: mockUrl }], ['bare-proxy', { MOCK_URL: mockUrl }], ['buffering', { MOCK_URL: mockUrl }]];
  await withServers(servers, async ([bff, bare, buffering]) => {
    const ours: number[] = [];
    const floor: number[] = [];
    // CPU time of each server process per 100 MB of files: what a fleet pays for, whatever the cores.
    const cpu = { bff: [] as number[], bare: [] as number[], buffering: [] as number[] };
    // Full collections per 100 MB beside it: most of their work is on V8's helper threads.
    const gcs = { bff: [] as number[], bare: [] as number[], buffering: [] as number[] };
    const per100MB = (48 * FIVE_MB) / (100 * MB);
    const cpuOf = async (server: BenchServer, name: keyof typeof cpu, run: () => Promise<LoadResult>) => {
      const before = { cpu: await server.cpuMs(), gcs: await server.majorGcs() };
      const result = await run();
      cpu[name].push(((await server.cpuMs()) - before.cpu) / per100MB);
      gcs[name].push(((await server.majorGcs()) - before.gcs) / per100MB);
      return result;
    };
    // The same bytes in 1 MB files, five times the uploads: what the CPU time per 100 MB grows by
    // is what each upload costs whatever its size (headers, checks, the upstream request).
    const small = Buffer.from(pngOfSize(MB, 4));
    const smallCpu = { bff: [] as number[], bare: [] as number[] };
    const smallCpuOf = async (server: BenchServer, name: keyof typeof smallCpu, run: () => Promise<LoadResult>) => {
      const before = await server.cpuMs();
      const result = await run();
      smallCpu[name].push((await server.cpuMs()) - before);
      return result;
    };
    for (let round = 0; round < ROUNDS; round += 1) {
      const a = await cpuOf(bff!, 'bff', () => runLoad(`${bff!.url}/api/attachments`, bffForm(file, 'a.png'), FIVE_MB, 48, 8, spreadOverLocations));
      const b = await cpuOf(bare!, 'bare', () => runLoad(`${bare!.url}/`, highLevelForm(file, 'a.png'), FIVE_MB, 48, 8));
      const c = await cpuOf(buffering!, 'buffering', () => runLoad(`${buffering!.url}/api/attachments`, bffForm(file, 'a.png'), FIVE_MB, 48, 8));
      expectAllOk('bff', a);
      expectAllOk('bare proxy', b);
      expectAllOk('buffering', c);
      ours.push(a.mbPerSecond);
      floor.push(b.mbPerSecond);
      // 100 uploads of 1 MB: 100 MB, so the CPU time is per 100 MB as it is.
      expectAllOk('bff, 1 MB files', await smallCpuOf(bff!, 'bff', () => runLoad(`${bff!.url}/api/attachments`, bffForm(small, 'a.png'), MB, 100, 8, spreadOverLocations)));
      expectAllOk('bare proxy, 1 MB files', await smallCpuOf(bare!, 'bare', () => runLoad(`${bare!.url}/`, highLevelForm(small, 'a.png'), MB, 100, 8)));
    }
    const ratio = median(ours) / median(floor);
    report(
      `throughput vs bare proxy (${LOCATIONS.length} locations, HighLevel's pace on)`,
      ratio,
      '≥ 0.8×',
      ratio >= 0.8,
      `BFF ${fmt(median(ours))} MB/s, bare proxy ${fmt(median(floor))} MB/s`,
    );
    const cpuRatio = median(cpu.bff) / median(cpu.bare);
    const cpuText = `BFF ${fmt(median(cpu.bff), 0)} ms, bare proxy ${fmt(median(cpu.bare), 0)} ms, buffering then re-posting ${fmt(median(cpu.buffering), 0)} ms`;
    report('CPU time per 100 MB vs bare proxy (5 MB files, 8 at once)', cpuRatio, '≤ 1.5×', cpuRatio <= 1.5, cpuText);
    const gcText = `BFF ${fmt(median(gcs.bff))}, bare proxy ${fmt(median(gcs.bare))}, buffering then re-posting ${fmt(median(gcs.buffering))}`;
    rows.push(['(reference) full garbage collections per 100 MB (5 MB files, 8 at once)', '—', '—', '—', gcText]);
    console.log(`  full garbage collections per 100 MB: ${gcText}`);
    // CPU per 100 MB = per byte + uploads × per upload, with 20 uploads (5 MB) and 100 (1 MB).
    const split = (name: keyof typeof smallCpu) => {
      const perUpload = (median(smallCpu[name]) - median(cpu[name])) / 80;
      return { perUpload, perBytes: median(cpu[name]) - 20 * perUpload };
    };
    const parts = { bff: split('bff'), bare: split('bare') };
    const splitText = `per upload BFF ${fmt(parts.bff.perUpload, 2)} ms, bare proxy ${fmt(parts.bare.perUpload, 2)} ms; per 100 MB of bytes BFF ${fmt(parts.bff.perBytes, 0)} ms, bare proxy ${fmt(parts.bare.perBytes, 0)} ms (1 MB files: BFF ${fmt(median(smallCpu.bff), 0)} ms, bare proxy ${fmt(median(smallCpu.bare), 0)} ms per 100 MB)`;
    rows.push(['(reference) CPU time split: each upload, and every 100 MB', '—', '—', '—', splitText]);
    console.log(`  CPU time split: ${splitText}`);
  });
}

async function memoryVsBuffering(mockUrl: string) {
  console.log('\n2. 64 concurrent 5 MB uploads: BFF vs buffering in memory (multer memoryStorage, then re-post)');
  const file = Buffer.from(pngOfSize(FIVE_MB, 2));
  const peaks: Record<string, number[]> = { bff: [], buffering: [] };
  const idles: Record<string, number[]> = { bff: [], buffering: [] };
  const speeds: Record<string, number[]> = { bff: [], buffering: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const name of ['bff', 'buffering'] as const) {
      // A fresh process per round: the kernel's peak RSS only ever grows.
      await withServers([[name, { MOCK_URL: mockUrl }]], async ([server]) => {
        const result = await runLoad(`${server!.url}/api/attachments`, bffForm(file, 'a.png'), FIVE_MB, 64, 64, spreadOverLocations);
        expectAllOk(name, result);
        speeds[name]!.push(result.mbPerSecond);
        peaks[name]!.push(await server!.peakRss());
        idles[name]!.push(server!.idleRss);
      });
    }
  }
  const rss = { bff: median(peaks.bff!) / MB, buffering: median(peaks.buffering!) / MB };
  const speed = { bff: median(speeds.bff!), buffering: median(speeds.buffering!) };
  const idle = { bff: median(idles.bff!) / MB, buffering: median(idles.buffering!) / MB };
  report(
    'peak RSS vs buffering',
    rss.bff / rss.buffering,
    '≤ 0.25×',
    rss.bff / rss.buffering <= 0.25,
    `BFF ${fmt(rss.bff, 0)} MB, buffering ${fmt(rss.buffering, 0)} MB (whole process; idle ${fmt(idle.bff, 0)} and ${fmt(idle.buffering, 0)} MB)`,
  );
  report('throughput vs buffering', speed.bff / speed.buffering, '≥ 1×', speed.bff >= speed.buffering, `BFF ${fmt(speed.bff)} MB/s, buffering ${fmt(speed.buffering)} MB/s`);
}

async function bigFileVsDirect() {
  console.log('\n3. One 100 MB upload end to end: through the BFF vs straight to the mock (the bare proxy for reference)');
  const size = 100 * 1024 * 1024;
  const limits = { MAX_FILE_SIZE: String(size) };
  const file = Buffer.from(pngOfSize(size, 3));
  // Built once: a 100 MB form made anew each round would be 100 MB copied between timings.
  const forms = { bff: bffForm(file, 'big.png'), highLevel: highLevelForm(file, 'big.png') };
  const mock = await startServer('mock', limits);
  try {
    await withServers([['bff', { MOCK_URL: mock.url, ...limits }], ['bare-proxy', { MOCK_URL: mock.url }]], async ([bff, bare]) => {
      const through: number[] = [];
      const direct: number[] = [];
      const floor: number[] = [];
      // CPU time each process spends on one upload: on a 2-core machine a third process in the
      // path competes with the client and the mock for the cores, whatever it does.
      const cpu = { bff: [] as number[], bare: [] as number[], mock: [] as number[] };
      const cpuOf = async <T>(server: BenchServer, into: number[], run: () => Promise<T>) => {
        const before = await server.cpuMs();
        const result = await run();
        into.push((await server.cpuMs()) - before);
        return result;
      };
      for (let round = 0; round < ROUNDS; round += 1) {
        const a = await cpuOf(bff!, cpu.bff, () => runLoad(`${bff!.url}/api/attachments`, forms.bff, size, 1, 1));
        const b = await cpuOf(mock, cpu.mock, () => runLoad(`${mock.url}/conversations/messages/upload`, forms.highLevel, size, 1, 1));
        const c = await cpuOf(bare!, cpu.bare, () => runLoad(`${bare!.url}/`, forms.highLevel, size, 1, 1));
        expectAllOk('bff', a);
        expectAllOk('direct', b);
        expectAllOk('bare proxy', c);
        through.push(a.seconds);
        direct.push(b.seconds);
        floor.push(c.seconds);
      }
      const ratio = median(through) / median(direct);
      report('100 MB time vs direct', ratio, '≤ 1.2×', ratio <= 1.2, `BFF ${ms(through)}, direct ${ms(direct)}`);
      const floorRatio = median(floor) / median(direct);
      rows.push(['(reference) bare proxy 100 MB vs direct', `${fmt(floorRatio, 2)}×`, '—', '—', `bare proxy ${ms(floor)}, direct ${ms(direct)}`]);
      console.log(`  reference: the bare proxy takes ${fmt(floorRatio, 2)}× of direct (${ms(floor)})`);
      const cpuText = `BFF ${fmt(median(cpu.bff), 0)} ms, bare proxy ${fmt(median(cpu.bare), 0)} ms, the mock itself ${fmt(median(cpu.mock), 0)} ms`;
      rows.push(['(reference) CPU time per 100 MB upload, BFF vs bare proxy', `${fmt(median(cpu.bff) / median(cpu.bare), 2)}×`, '—', '—', cpuText]);
      console.log(`  CPU time for one 100 MB upload: ${cpuText}`);
    });
    await pacedBigFile(mock, forms, limits);
  } finally {
    await mock.stop();
  }
}

/** The same 100 MB upload from a client held to 1 Gbit/s, against buffering it whole. */
async function pacedBigFile(mock: BenchServer, forms: { bff: PreparedUpload; highLevel: PreparedUpload }, limits: Record<string, string>) {
  const pace = 125e6;
  console.log('  the same upload from a client paced at 1 Gbit/s: BFF and buffering vs direct');
  await withServers([['bff', { MOCK_URL: mock.url, ...limits }], ['buffering', { MOCK_URL: mock.url, ...limits }]], async ([bff, buffering]) => {
    const times = { bff: [] as number[], direct: [] as number[], buffering: [] as number[] };
    const timed = async (into: number[], label: string, url: string, upload: PreparedUpload) => {
      const { seconds, status } = await sendPaced(url, upload, pace);
      if (status !== 200) throw new Error(`${label}: paced upload answered ${status}`);
      into.push(seconds);
    };
    for (let round = 0; round < ROUNDS; round += 1) {
      await timed(times.bff, 'bff', `${bff!.url}/api/attachments`, forms.bff);
      await timed(times.direct, 'direct', `${mock.url}/conversations/messages/upload`, forms.highLevel);
      await timed(times.buffering, 'buffering', `${buffering!.url}/api/attachments`, forms.bff);
    }
    const bffRatio = median(times.bff) / median(times.direct);
    const bufferingRatio = median(times.buffering) / median(times.direct);
    rows.push(['(reference) 100 MB at 1 Gbit/s, BFF vs direct', `${fmt(bffRatio, 2)}×`, '—', '—', `BFF ${ms(times.bff)}, direct ${ms(times.direct)}`]);
    rows.push(['(reference) 100 MB at 1 Gbit/s, buffering vs direct', `${fmt(bufferingRatio, 2)}×`, '—', '—', `buffering ${ms(times.buffering)}, direct ${ms(times.direct)}`]);
    console.log(`  at 1 Gbit/s: BFF ${fmt(bffRatio, 2)}× of direct (${ms(times.bff)}), buffering ${fmt(bufferingRatio, 2)}× (${ms(times.buffering)}), direct ${ms(times.direct)}`);
  });
}

/** `npm start` once built (the build runs first, untimed) beside a bare Node http server. */
async function startVsBareNode() {
  console.log('\n0. `npm start` (built, on the mock): time to its first answer and resident memory, vs a bare Node http server');
  const build = spawnSync(process.execPath, ['scripts/build-demo.mjs'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('scripts/build-demo.mjs failed');
  const port = await freePort();
  const runs: Record<'start' | 'bare', StartFigures[]> = { start: [], bare: [] };
  for (let round = 0; round < ROUNDS; round += 1) {
    // An empty GHL_TOKEN keeps a real one out: the demo runs on its mock, as for a first look.
    runs.start.push(await measureStart(['npm', 'start', '--silent'], port, { GHL_TOKEN: '', GHL_CLIENT_ID: '' }));
    runs.bare.push(await measureStart([process.execPath, fileURLToPath(new URL('./servers/bare-node.mjs', import.meta.url))], port));
  }
  const of = (name: 'start' | 'bare', key: keyof StartFigures) => median(runs[name].map((run) => run[key]));
  const readyText = `npm start ${fmt(of('start', 'readyMs'), 0)} ms, bare Node ${fmt(of('bare', 'readyMs'), 0)} ms (from spawning the command; npm's own start is in it)`;
  report('npm start: time to ready vs bare Node', of('start', 'readyMs') / of('bare', 'readyMs'), '≤ 1 s', of('start', 'readyMs') <= 1000, readyText);
  const rssText = `npm start ${fmt(of('start', 'idleRss') / MB, 0)} MB (peak ${fmt(of('start', 'peakRss') / MB, 0)} MB), bare Node ${fmt(of('bare', 'idleRss') / MB, 0)} MB (peak ${fmt(of('bare', 'peakRss') / MB, 0)} MB); the serving process`;
  report('npm start: RSS idle vs bare Node', of('start', 'idleRss') / of('bare', 'idleRss'), '≤ 100 MB', of('start', 'idleRss') <= 100 * MB, rssText);
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createNetServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function widgetFigures() {
  console.log('\n4. The widget in Chromium (demo on React’s profiling build)');
  const widget = await measureWidget();
  const perFrame = widget.commitsPerSecond / widget.progressEventsPerSecond;
  report(
    'React commits/s, 20 uploads at once',
    perFrame,
    '≤ 60 commits/s',
    widget.commitsPerSecond <= 60,
    `${fmt(widget.commitsPerSecond)} commits/s beside ${fmt(widget.progressEventsPerSecond)} progress events/s, over ${fmt(widget.uploadSeconds)} s`,
  );
  rows.push(['longest main-thread task, 1,000 files dropped', `${fmt(widget.longestTaskMs, 0)} ms`, 'report', '—', `refusals listed ${fmt(widget.dropToListMs, 0)} ms after the drop`]);
  console.log(`  longest main-thread task after dropping 1,000 files: ${fmt(widget.longestTaskMs, 0)} ms (listed after ${fmt(widget.dropToListMs, 0)} ms)`);
}

async function shrinkFigures() {
  console.log('\n5. A 12-megapixel photo over 5 MB made to fit: our search in a worker vs a fixed-quality single pass (0.8) on the main thread');
  const shrink = await measureShrink();
  const describeRun = (run: typeof shrink.fixed) =>
    `${fmt(run.bytes / MB, 2)} MB${run.fits ? '' : ' (does not fit)'}, ${run.width}×${run.height}, quality ${fmt(run.quality ?? 0, 2)}, PSNR ${fmt(run.psnr)} dB, ${fmt(run.ms / 1000)} s, longest main-thread task ${fmt(run.longestTaskMs, 0)} ms`;
  console.log(`  original ${fmt(shrink.originalBytes / MB, 2)} MB\n  ours:  ${describeRun(shrink.ours)} (${shrink.ours.encodes} encodes, in the ${shrink.ours.ranIn})\n  fixed: ${describeRun(shrink.fixed)}`);
  rows.push(['photo fitted: PSNR, ours − fixed 0.8', `${fmt(shrink.ours.psnr - shrink.fixed.psnr)} dB`, 'report', shrink.ours.fits ? 'fits' : 'MISSED', `ours ${describeRun(shrink.ours)}; fixed ${describeRun(shrink.fixed)}`]);
  rows.push(['photo fitted: bytes used of the 5 MB limit, ours vs fixed', `${fmt((shrink.ours.bytes / 5_242_880) * 100, 0)} % vs ${fmt((shrink.fixed.bytes / 5_242_880) * 100, 0)} %`, 'report', '—', `original ${fmt(shrink.originalBytes / MB, 2)} MB`]);
  rows.push(['photo fitted: longest main-thread task, ours vs fixed', `${fmt(shrink.ours.longestTaskMs, 0)} ms vs ${fmt(shrink.fixed.longestTaskMs, 0)} ms`, 'report', '—', `time ${fmt(shrink.ours.ms / 1000)} s vs ${fmt(shrink.fixed.ms / 1000)} s`]);
}

console.log(`ghl-attachments benchmarks — Node ${process.version}, ${ROUNDS} rounds each, medians`);
if (selected('start')) await startVsBareNode();
if (selected('cpu') || selected('memory')) {
  const mock = await startServer('mock');
  try {
    if (selected('cpu')) await throughputVsBareProxy(mock.url);
    if (selected('memory')) await memoryVsBuffering(mock.url);
  } finally {
    await mock.stop();
  }
}
if (selected('big')) await bigFileVsDirect();
if (selected('widget')) await widgetFigures();
if (selected('shrink')) await shrinkFigures();

console.log('\n| figure | ratio | target | | raw |\n|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.join(' | ')} |`);
