import { Agent, createServer, request as httpRequest } from 'node:http';
import { EventEmitter } from 'node:events';
import { type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { rawRequest } from '../testing/raw-request.js';
import { toNodeHandler } from './index.js';
import { ConnectionsPerAddress } from './node-adapter.js';

/** `toNodeHandler` around any fetch handler: an answer even when the handler throws, and headers as they were set. */
describe('toNodeHandler with any fetch handler', () => {
  /** A Node server around `handler`, for one test. */
  async function serve(handler: (request: Request) => Promise<Response>) {
    const handle = toNodeHandler(handler);
    const server = createServer((req, res) => handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  it('a handler that throws still gets the client an answer: 500 internal', async () => {
    const server = await serve(() => Promise.reject(new Error('bug in a handler')));
    try {
      const answer = await rawRequest(server.url, { method: 'GET' });
      expect(answer?.status).toBe(500);
      expect(JSON.parse(answer!.text).error.code).toBe('internal');
      expect(answer?.text).not.toContain('bug in a handler');
    } finally {
      await server.close();
    }
  });

  it('several Set-Cookie headers arrive as several, not folded into one', async () => {
    const server = await serve(async () => {
      const headers = new Headers();
      headers.append('Set-Cookie', 'a=1; Path=/');
      headers.append('Set-Cookie', 'b=2; Path=/');
      return new Response('ok', { headers });
    });
    try {
      const answer = await rawRequest(server.url, { method: 'GET' });
      expect(answer?.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    } finally {
      await server.close();
    }
  });
});

/** The connections one client address may carry requests on, and the options that bound them. */
describe('toNodeHandler’s connections per address', () => {
  async function serve(options: Parameters<typeof toNodeHandler>[1]) {
    const handle = toNodeHandler(async () => new Response('ok'), options);
    const server = createServer((req, res) => handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const agents: Agent[] = [];
    /** One keep-alive connection from `localAddress`: each `get` goes on it while it stays open. */
    const connection = (localAddress = '127.0.0.1') => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      agents.push(agent);
      const get = () =>
        new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
          const req = httpRequest({ host: '127.0.0.1', port, path: '/x', agent, localAddress }, (res) => {
            res.resume();
            res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
          });
          req.on('error', reject);
          req.end();
        });
      return { get, close: () => agent.destroy() };
    };
    return {
      connection,
      close: async () => {
        for (const agent of agents) agent.destroy();
        await new Promise((resolve) => server.close(resolve));
      },
    };
  }
  const until = async (check: () => Promise<boolean>) => {
    for (let i = 0; i < 100 && !(await check()); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  };

  it('past the limit, a request on one more connection is 429 and that connection is closed; a counted one goes on', async () => {
    const server = await serve({ maxConnectionsPerAddress: 2 });
    try {
      const [a, b, c] = [server.connection(), server.connection(), server.connection()];
      expect((await a.get()).status).toBe(200);
      expect((await b.get()).status).toBe(200);
      expect(await c.get()).toEqual({ status: 429, connection: 'close' });
      // A connection already counted carries as many requests as it likes.
      expect((await a.get()).status).toBe(200);
      expect((await a.get()).status).toBe(200);
      // Another address has its own count.
      expect((await server.connection('127.0.0.2').get()).status).toBe(200);
      // A closed connection gives its place back, once: one new connection gets in, not two.
      a.close();
      const d = server.connection();
      await until(async () => (await d.get()).status === 200);
      expect((await d.get()).status).toBe(200);
      expect((await server.connection().get()).status).toBe(429);
      b.close();
      d.close();
      const [e, f] = [server.connection(), server.connection()];
      await until(async () => (await e.get()).status === 200);
      expect((await f.get()).status).toBe(200);
      expect((await server.connection().get()).status).toBe(429);
    } finally {
      await server.close();
    }
  });

  it('a limit of 1 is one connection; Infinity is no count at all', async () => {
    const one = await serve({ maxConnectionsPerAddress: 1 });
    try {
      expect((await one.connection().get()).status).toBe(200);
      expect((await one.connection().get()).status).toBe(429);
    } finally {
      await one.close();
    }
    const unbounded = await serve({ maxConnectionsPerAddress: Number.POSITIVE_INFINITY });
    try {
      for (let i = 0; i < 5; i += 1) expect((await unbounded.connection().get()).status).toBe(200);
    } finally {
      await unbounded.close();
    }
  });

  it('refuses a limit that is not a whole number from 1, and names the window option that was given', () => {
    const handler = async () => new Response('ok');
    for (const bad of [0, -1, 1.5, Number.NaN, Number.NEGATIVE_INFINITY]) {
      expect(() => toNodeHandler(handler, { maxConnectionsPerAddress: bad }), String(bad)).toThrow(
        new TypeError('toNodeHandler: `maxConnectionsPerAddress` must be a whole number from 1, or Infinity.'),
      );
    }
    for (const good of [1, 2, 1024, Number.POSITIVE_INFINITY]) expect(() => toNodeHandler(handler, { maxConnectionsPerAddress: good })).not.toThrow();
    expect(() => toNodeHandler(handler, { unreadBodyWindowMs: 0 })).toThrow(/^toNodeHandler: `unreadBodyWindowMs` must be a whole number/);
    expect(() => toNodeHandler(handler, { unreadBodyRateWindowMs: 0 })).toThrow(/^toNodeHandler: `unreadBodyRateWindowMs` must be a whole number/);
    expect(() => toNodeHandler(handler, { unreadBodyRateWindowMs: 0, unreadBodyWindowMs: 5000 })).toThrow(/^toNodeHandler: `unreadBodyRateWindowMs` must be a whole number/);
  });
});

describe('ConnectionsPerAddress', () => {
  /** What the count reads of a socket: its address and its close. */
  const socket = (remoteAddress: string) => Object.assign(new EventEmitter(), { remoteAddress }) as unknown as Socket;

  it('forgets an address once its last connection closes, and counts each socket once', () => {
    const connections = new ConnectionsPerAddress(2);
    const [a, b] = [socket('2001:db8::1'), socket('2001:db8::1')];
    expect(connections.admit(a)).toBe(true);
    expect(connections.admit(a)).toBe(true);
    expect(connections.admit(b)).toBe(true);
    expect(connections.addresses).toBe(1);
    a.emit('close');
    expect(connections.addresses).toBe(1);
    b.emit('close');
    expect(connections.addresses).toBe(0);
    // Many addresses passing through leave nothing behind.
    for (let i = 0; i < 100; i += 1) {
      const passing = socket(`2001:db8::${i.toString(16)}`);
      expect(connections.admit(passing)).toBe(true);
      passing.emit('close');
    }
    expect(connections.addresses).toBe(0);
  });

  it('a refused socket stays refused and its close gives no place back', () => {
    const connections = new ConnectionsPerAddress(1);
    const [a, b, c] = [socket('192.0.2.1'), socket('192.0.2.1'), socket('192.0.2.1')];
    expect(connections.admit(a)).toBe(true);
    expect(connections.admit(b)).toBe(false);
    b.emit('close');
    expect(connections.admit(c)).toBe(false);
    a.emit('close');
    // Refused for good, even with a place free again; a new connection takes that place.
    expect(connections.admit(b)).toBe(false);
    expect(connections.admit(socket('192.0.2.1'))).toBe(true);
    expect(connections.addresses).toBe(1);
  });
});
