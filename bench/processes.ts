import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A benchmark server running in its own Node process. */
export interface BenchServer {
  url: string;
  /** Resident memory when it started listening, in bytes. */
  idleRss: number;
  /** Peak resident memory of the process so far, in bytes (the kernel's maxRSS). */
  peakRss(): Promise<number>;
  /** CPU time the process has used so far (user + system), in ms. */
  cpuMs(): Promise<number>;
  /** Full (mark-compact) garbage collections the process has run so far. */
  majorGcs(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Starts `servers/<name>.ts` in a child process and waits until it listens; `nodeArgs` are passed
 * to its Node (the profiler's flags, say).
 */
export async function startServer(name: string, env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<BenchServer> {
  const child: ChildProcess = fork(fileURLToPath(new URL(`./servers/${name}.ts`, import.meta.url)), {
    execArgv: ['--import', 'tsx', ...nodeArgs],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const { port, rss } = await new Promise<{ port: number; rss: number }>((resolve, reject) => {
    child.once('message', (message: { port: number; rss: number }) => resolve(message));
    child.once('exit', (code) => reject(new Error(`${name} exited (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    idleRss: rss,
    peakRss: () =>
      new Promise((resolve) => {
        child.once('message', (message: { peakRss: number }) => resolve(message.peakRss));
        child.send('rss');
      }),
    cpuMs: () =>
      new Promise((resolve) => {
        child.once('message', (message: { cpuMs: number }) => resolve(message.cpuMs));
        child.send('cpu');
      }),
    majorGcs: () =>
      new Promise((resolve) => {
        child.once('message', (message: { majorGcs: number }) => resolve(message.majorGcs));
        child.send('cpu');
      }),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.send('stop');
      }),
  };
}
