import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../testing/raw-request.js';
import { serveStatic } from './serve-static.js';

let server: Server;
let origin: string;

beforeAll(async () => {
  const root = mkdtempSync(join(tmpdir(), 'serve-static-'));
  writeFileSync(join(root, 'index.html'), '<p>index</p>');
  writeFileSync(join(root, 'frame.html'), '<p>frame</p>');
  const serve = serveStatic(root, { '/frame.html': { 'Content-Security-Policy': "frame-ancestors 'self'" } });
  server = createServer((req, res) => void serve(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('the demo’s static files', () => {
  it('answers 400 to a path that does not decode, and carries on', async () => {
    const bad = await rawRequest(`${origin}/%E0%A4%A`, { method: 'GET' });
    expect(bad?.status).toBe(400);
    const good = await rawRequest(`${origin}/frame.html`, { method: 'GET' });
    expect(good?.status).toBe(200);
    expect(good?.text).toBe('<p>frame</p>');
  });

  it('serves a framing policy with the page that is meant to be framed, and not with others', async () => {
    const frame = await rawRequest(`${origin}/frame.html`, { method: 'GET' });
    expect(frame?.headers['content-security-policy']).toBe("frame-ancestors 'self'");
    const index = await rawRequest(`${origin}/`, { method: 'GET' });
    expect(index?.headers['content-security-policy']).toBeUndefined();
  });

  it('never serves a file outside its folder', async () => {
    const climbing = await rawRequest(`${origin}/..%2f..%2fetc%2fpasswd`, { method: 'GET' });
    expect(climbing?.text).toBe('<p>index</p>');
  });
});
