/**
 * Time to ready and resident memory of a server started by a command, as a user starts it
 * (`npm start`): the command is spawned, the port polled until it answers, and the memory read
 * from the kernel's count (/proc) of the process that holds the listening socket, whatever the
 * wrappers around it (npm, a shell).
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { request } from 'node:http';

export interface StartFigures {
  /** From spawning the command to the first answer on the port, in ms. */
  readyMs: number;
  /** Resident memory of the listening process once it has been idle a while, in bytes. */
  idleRss: number;
  /** Its highest resident memory so far (the kernel's VmHWM), in bytes. */
  peakRss: number;
}

/**
 * Runs `command` with `env` (which must make it listen on 127.0.0.1:`port`), measures it and
 * stops it. `idleMs`: how long it sits idle before its memory is read. Default: 2,000.
 */
export async function measureStart(command: string[], port: number, env: Record<string, string> = {}, idleMs = 2000): Promise<StartFigures> {
  const started = process.hrtime.bigint();
  const child = spawn(command[0]!, command.slice(1), {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });
  let exited = false;
  child.once('exit', () => (exited = true));
  try {
    while (!(await answers(port))) {
      if (exited) throw new Error(`${command.join(' ')} exited before it answered`);
      await new Promise((wake) => setTimeout(wake, 20));
    }
    const readyMs = Number(process.hrtime.bigint() - started) / 1e6;
    await new Promise((wake) => setTimeout(wake, idleMs));
    const pid = listeningPid(port, child.pid!);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
    return { readyMs, idleRss: kb('VmRSS'), peakRss: kb('VmHWM') };
  } finally {
    // The whole group: npm, its shell and the server.
    if (!exited) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid!, 'SIGTERM');
      await gone;
    }
  }
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(true));
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** The process among `root` and its descendants that holds the socket listening on `port`. */
function listeningPid(port: number, root: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // State 0A is LISTEN.
      if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A') inodes.add(fields[9]!);
    }
  }
  for (const pid of descendants(root)) {
    let fds: string[] = [];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (inodes.has(/^socket:\[(\d+)\]$/.exec(target)?.[1] ?? '')) return pid;
      } catch {
        // The fd closed meanwhile.
      }
    }
  }
  throw new Error(`no process under ${root} listens on ${port}`);
}

function descendants(root: number): number[] {
  const all = [root];
  for (let index = 0; index < all.length; index += 1) {
    for (const task of safeList(`/proc/${all[index]}/task`)) {
      const children = safeRead(`/proc/${all[index]}/task/${task}/children`).trim();
      if (children) all.push(...children.split(/\s+/).map(Number));
    }
  }
  return all;
}

const safeList = (path: string) => {
  try {
    return readdirSync(path);
  } catch {
    return [];
  }
};
const safeRead = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
};
