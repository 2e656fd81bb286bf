import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawHttp, rawRequest } from '../testing/raw-request.js';
import { serveStatic } from './serve-static.js';

const FRAMED = "frame-ancestors 'self' https://app.gohighlevel.com";
let server: Server;
let origin: string;
let root: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'serve-static-'));
  writeFileSync(join(root, 'index.html'), '<p>index</p>');
  writeFileSync(join(root, 'frame.html'), '<p>frame</p>');
  writeFileSync(join(root, 'crm-page.html'), '<p>crm</p>');
  writeFileSync(join(root, 'crm-page.js'), 'console.log(1)');
  mkdirSync(join(root, 'app'));
  writeFileSync(join(root, 'app', 'frame.html'), '<p>app frame</p>');
  const serve = serveStatic(root, { 'frame.html': { 'Content-Security-Policy': FRAMED } });
  server = createServer((req, res) => void serve(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

const get = (path: string) => rawRequest(`${origin}${path}`, { method: 'GET' });

describe('the demo’s static files', () => {
  it('answers 400 to a path that does not decode, and carries on', async () => {
    const bad = await get('/%E0%A4%A');
    expect(bad?.status).toBe(400);
    const good = await get('/frame.html');
    expect(good?.status).toBe(200);
    expect(good?.text).toBe('<p>frame</p>');
  });

  it('serves the framing policy of the page meant to be framed with that page however its path is spelled', async () => {
    for (const path of ['/frame.html', '/%2Fframe.html', '//frame.html', '/./frame.html', '/%2E/frame.html', '/app/../frame.html', '/app/%2E%2E/frame.html', '/fr%61me.html?x=1']) {
      const answer = await get(path);
      expect([path, answer?.status, answer?.text]).toEqual([path, 200, '<p>frame</p>']);
      expect([path, answer?.headers['content-security-policy']]).toEqual([path, FRAMED]);
    }
  });

  it('frames every other HTML page by its own origin only, and names no policy for other files', async () => {
    for (const [path, body] of [['/', '<p>index</p>'], ['/index.html', '<p>index</p>'], ['/crm-page.html', '<p>crm</p>'], ['/app/frame.html', '<p>app frame</p>'], ['/%2Fapp%2Fframe.html', '<p>app frame</p>']]) {
      const answer = await get(path!);
      expect([path, answer?.status, answer?.text]).toEqual([path, 200, body]);
      expect([path, answer?.headers['content-security-policy']]).toEqual([path, "frame-ancestors 'self'"]);
    }
    const script = await get('/crm-page.js');
    expect(script?.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script?.headers['content-security-policy']).toBeUndefined();
  });

  it('answers 404 to a path that names no file, rather than some other page', async () => {
    for (const path of ['/missing.html', '/frame.html/', '/app/missing', '/%00frame.html']) {
      expect([path, (await get(path))?.status]).toEqual([path, 404]);
    }
    // On a disk that tells cases apart, another case is another (missing) file; where it does
    // not, the file is served with the strictest policy, never with frame.html's.
    const upper = await get('/FRAME.HTML');
    if (existsSync(join(root, 'FRAME.HTML'))) expect(upper?.headers['content-security-policy']).toBe("frame-ancestors 'self'");
    else expect(upper?.status).toBe(404);
  });

  it('never serves a file outside its folder', async () => {
    for (const path of ['/..%2f..%2fetc%2fpasswd', '/%2e%2e/%2e%2e/etc/passwd', '/..%5c..%5cetc%5cpasswd']) {
      const answer = await get(path);
      expect([path, answer?.status]).toEqual([path, 404]);
      expect(answer?.text).not.toContain('root:');
    }
  });

  it('reads with GET and HEAD only: any other method is 405 with Allow, on known and unknown paths alike', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      for (const path of ['/', '/frame.html', '/nowhere', '/api/attachments']) {
        const answer = await rawRequest(`${origin}${path}`, { method, headers: { 'Content-Length': 2 }, body: ['{}'] });
        expect([method, path, answer?.status, answer?.headers.allow]).toEqual([method, path, 405, 'GET, HEAD']);
        expect(answer?.text).not.toContain('<p>');
      }
    }
    const head = await rawRequest(`${origin}/frame.html`, { method: 'HEAD' });
    expect(head?.status).toBe(200);
    expect(head?.headers['content-security-policy']).toBe(FRAMED);
    expect(head?.text).toBe('');
  });

  it('answers 421 to a target that names a host, whatever the method', async () => {
    const port = Number(new URL(origin).port);
    for (const line of ['POST http://evil.example/api/attachments HTTP/1.1', 'GET http://evil.example/frame.html HTTP/1.1', 'GET * HTTP/1.1']) {
      const answer = await rawHttp(port, `${line}\r\nHost: 127.0.0.1:${port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      expect([line, answer.status]).toEqual([line, 421]);
      expect(answer.body).not.toContain('<p>');
    }
  });
});
