import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

/**
 * Full (mark-compact) collections so far. Their marking runs on V8's helper threads, so the main
 * thread's CPU profile hardly shows them, while the process's CPU time counts them whole.
 */
let majorGcs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries() as (PerformanceEntry & { detail?: { kind?: number } })[]) {
    if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorGcs += 1;
  }
}).observe({ entryTypes: ['gc'] });

/**
 * The child side of a benchmark server: reports its port to the parent, answers `rss` with its
 * peak resident memory so far (from the kernel's own count), `cpu` with the CPU time it has
 * used (and its full collections so far), and exits on `stop`.
 */
export function serveForBench(server: Server, onStop: () => Promise<void> = async () => undefined): void {
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ port: (server.address() as AddressInfo).port, rss: process.memoryUsage().rss });
  });
  process.on('message', (message) => {
    if (message === 'rss') {
      process.send?.({ peakRss: process.resourceUsage().maxRSS * 1024, rss: process.memoryUsage().rss });
    }
    if (message === 'cpu') {
      const { user, system } = process.cpuUsage();
      process.send?.({ cpuMs: (user + system) / 1000, majorGcs });
    }
    if (message === 'stop') {
      server.closeAllConnections();
      server.close();
      void onStop().then(() => process.exit(0));
    }
  });
}

export const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
