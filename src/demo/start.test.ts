import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawHttp } from '../testing/raw-request.js';

const start = fileURLToPath(new URL('./start.ts', import.meta.url));
const REAL = { GHL_TOKEN: 'pit-real-looking-token', GHL_LOCATION_ID: 'loc1', GHL_AUTHORIZE: '', GHL_API_BASE: 'http://127.0.0.1:9' };

describe('npm start with a real token', () => {
  it('refuses to listen beyond loopback without an authorization decision, and says how to make one', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', start], {
      env: { ...process.env, HOST: '0.0.0.0', PORT: '0', ...REAL },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Refusing to listen on 0.0.0.0 with a real GHL_TOKEN and no authorization');
    expect(run.stderr).toContain('GHL_AUTHORIZE=anyone');
    expect(run.stdout + run.stderr).not.toContain('pit-real-looking-token');
  }, 70_000);
});

/** Starts the demo with `env` and resolves with the process and the port of the URL it prints. */
function startDemo(env: Record<string, string>): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', start], { env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      out += String(chunk);
      const found = /ghl-attachments demo: http:\/\/\S+:(\d+)\//.exec(out);
      if (found) resolve({ child, port: Number(found[1]) });
    });
    child.once('exit', (code) => reject(new Error(`npm start exited (${code}): ${out}`)));
  });
}

describe('npm start with a real token and no authorization, on loopback', () => {
  let child: ChildProcess;
  let port: number;
  beforeAll(async () => {
    ({ child, port } = await startDemo({ HOST: '127.0.0.1', ...REAL }));
  }, 70_000);
  afterAll(() => {
    child.kill();
  });

  const ask = (target: string, host: string, method = 'GET') =>
    rawHttp(port, `${method} ${target} HTTP/1.1\r\nHost: ${host}\r\nOrigin: http://${host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);

  it('answers a name that is not this machine’s 421, as a DNS-rebound page would send it', async () => {
    for (const [target, method] of [['/api/attachments', 'POST'], ['/api/attachments/preview?url=x', 'GET'], ['/', 'GET'], ['/frame.html', 'GET']]) {
      const rebound = await ask(target!, `rebind.attacker.example:${port}`, method);
      expect([target, rebound.status]).toEqual([target, 421]);
      expect(rebound.body).toContain(`localhost:${port}`);
    }
    // The port is part of the name: another one is another server.
    expect((await ask('/api/attachments', `127.0.0.1:${port + 1}`, 'POST')).status).toBe(421);
    expect((await ask('/api/attachments', 'localhost', 'POST')).status).toBe(421);
  });

  it('serves the loopback names with the port', async () => {
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      const answer = await ask('/api/attachments', host, 'POST');
      // The BFF's own answer (no upload in the body), not the host check's.
      expect([host, answer.status]).toEqual([host, expect.any(Number)]);
      expect([host, answer.status]).not.toEqual([host, 421]);
      expect(answer.head).toContain('application/json');
    }
  });

  it('decides that it is on loopback by the address it is bound to, not by how HOST is spelled', async () => {
    const mapped = await startDemo({ HOST: '::ffff:127.0.0.1', ...REAL });
    try {
      const answer = await rawHttp(mapped.port, `POST /api/attachments HTTP/1.1\r\nHost: 127.0.0.1:${mapped.port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      expect(answer.head).toContain('application/json');
    } finally {
      mapped.child.kill();
    }
  }, 70_000);
});

describe('npm start on the mock', () => {
  let child: ChildProcess;
  let port: number;
  beforeAll(async () => {
    ({ child, port } = await startDemo({ HOST: '127.0.0.1', GHL_TOKEN: '', GHL_CLIENT_ID: '' }));
  }, 70_000);
  afterAll(() => {
    child.kill();
  });

  const send = (line: string) => rawHttp(port, `${line}\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);

  it('answers 421 to a target that names another host, on every route', async () => {
    for (const path of ['/api/attachments', '/highlevel/conversations/messages/upload', '/app/frame.html', '/app/api/attachments/session', '/']) {
      const line = `POST http://evil.example${path} HTTP/1.1`;
      const answer = await send(line);
      expect([line, answer.status]).toEqual([line, 421]);
      expect(answer.body).not.toContain('<html');
    }
  });

  it('takes an absolute target that names its own host as the path', async () => {
    // The BFF's own answer to a GET without a preview link: the target reached the route by its path
    // (a page would need the built demo, which a fresh clone's unit tests run before).
    const answer = await send(`GET http://127.0.0.1:${port}/api/attachments HTTP/1.1`);
    expect(answer.status).toBe(403);
    expect(answer.body).toContain('preview-link-invalid');
  });

  it('answers a method other than GET and HEAD on a page 405 with Allow, not with the demo page', async () => {
    for (const path of ['/', '/nowhere', '/crm-page.html', '/app/frame.html']) {
      const line = `POST ${path} HTTP/1.1`;
      const answer = await send(line);
      expect([line, answer.status]).toEqual([line, 405]);
      expect(answer.head).toMatch(/^allow: GET, HEAD$/im);
      expect(answer.body).not.toContain('<html');
    }
  });
});
