/**
 * The uploader and the BFF's policy (`GET {endpoint}/config`), against the real BFF and mock on
 * loopback: what the server refuses is refused at drop time, before a byte is sent; the widget's
 * own options narrow the server's, never widen them; a BFF that cannot be asked changes nothing.
 */
import { QueryClient } from '@tanstack/query-core';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { fixture, pngOfSize } from '../testing/fixtures.js';
import type { UploadHandlerOptions } from '../server/index.js';
import { startStack, type Stack } from '../testing/start-stack.js';
import { settled } from '../testing/settled.js';
import { errorMessage } from './error-message.js';
import { Uploader } from './uploader.js';
import type { UploaderOptions } from './uploader-options.js';

const stacks: Stack[] = [];
const servers: Server[] = [];
afterAll(async () => {
  for (const server of servers) server.closeAllConnections();
  await Promise.all([...servers.map((server) => new Promise((resolve) => server.close(resolve))), ...stacks.map((stack) => stack.close())]);
});

async function stack(bff: Partial<UploadHandlerOptions> = {}) {
  const started = await startStack({ mock: { conversations: ['conv1'], rateLimits: { max: 10_000 } }, bff });
  stacks.push(started);
  return started;
}

/**
 * A server in front of `target` that passes every request on, except the policy's: those it
 * counts, and with `unreachable` drops without an answer, as a network that loses them would.
 */
async function front(target: Stack, { unreachable = false } = {}) {
  let asked = 0;
  const server = createServer((req, res) => {
    if (req.url?.includes('/config')) {
      asked += 1;
      if (unreachable) {
        req.socket.destroy();
        return;
      }
    }
    const upstream = request(new URL(req.url!, target.origin), { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode!, answer.headers);
      answer.pipe(res);
    });
    req.pipe(upstream);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/attachments`, asked: () => asked };
}

const png = (name: string) => new File([pngOfSize(400) as Uint8Array<ArrayBuffer>], name, { type: 'image/png' });
const pdf = (name: string) => new File([fixture('sample.pdf').bytes as Uint8Array<ArrayBuffer>], name, { type: 'application/pdf' });

/** An uploader that is listened to (as a UI does), and its policy answered or given up on. */
async function uploader(options: UploaderOptions) {
  const made = new Uploader({ queryClient: new QueryClient(), ...options });
  made.subscribe(() => undefined);
  await vi.waitFor(() => expect(made.getState().policy).not.toBeUndefined(), { timeout: 5000 });
  return made;
}

describe("the BFF's policy", () => {
  it('a BFF set to PDF only: a PNG is refused at drop time with no option set, the refusal names PDF, and nothing is sent', async () => {
    const bff = await stack({ allowedTypes: ['PDF'] });
    const made = await uploader({ conversationId: 'conv1', endpoint: bff.endpoint });
    expect(made.getState().policy).toMatchObject({ allowedTypes: [{ id: 'PDF', extensions: ['.pdf'] }], sessionRequired: false });
    made.addFiles([png('photo.png'), pdf('contract.pdf')]);
    const { rejections, rules } = made.getState();
    expect(rejections).toEqual([expect.objectContaining({ name: 'photo.png', code: 'file-type-not-allowed' })]);
    expect(errorMessage('file-type-not-allowed', rules)).toBe('This type of file is not allowed. Allowed: PDF.');
    await settled(made);
    expect(made.getState().items).toEqual([expect.objectContaining({ name: 'contract.pdf', status: 'done' })]);
    // Only the PDF reached HighLevel.
    expect(bff.mock.stats.uploadRequests).toBe(1);
  });

  it('options narrower than the server win; wider ones are cut to the server’s', async () => {
    const bff = await stack({ allowedTypes: ['PDF', 'PNG', 'JPG'], maxFileSize: 300_000 });
    const narrow = await uploader({ conversationId: 'conv1', endpoint: bff.endpoint, allowedTypes: ['PNG'], maxFileSize: 1000 });
    expect(narrow.getState().rules).toMatchObject({ allowedTypes: [expect.objectContaining({ id: 'PNG' })], maxFileSize: 1000 });
    narrow.addFiles([pdf('contract.pdf'), png('small.png')]);
    expect(narrow.getState().rejections.map((rejection) => [rejection.name, rejection.code])).toEqual([
      ['contract.pdf', 'file-type-not-allowed'],
    ]);
    expect(errorMessage('file-type-not-allowed', narrow.getState().rules)).toBe('This type of file is not allowed. Allowed: PNG.');
    // HEIC is not the server's, and 10 MB is over its 300 KB: neither widens what it takes.
    const wide = await uploader({ conversationId: 'conv1', endpoint: bff.endpoint, allowedTypes: ['PNG', 'HEIC'], maxFileSize: 10_000_000, shrinkImages: false });
    expect(wide.getState().rules.allowedTypes.map((type) => type.id)).toEqual(['PNG']);
    expect(wide.getState().rules.maxFileSize).toBe(300_000);
    wide.addFiles([new File([new Uint8Array(400_000)], 'big.png', { type: 'image/png' }), new File(['x'], 'photo.heic')]);
    expect(wide.getState().rejections.map((rejection) => [rejection.name, rejection.code])).toEqual([
      ['big.png', 'file-too-large'],
      ['photo.heic', 'file-type-not-allowed'],
    ]);
  });

  it('until the answer arrives the options apply; then the rules change and the state says so', async () => {
    const bff = await stack({ allowedTypes: ['PDF'] });
    const made = new Uploader({ queryClient: new QueryClient(), conversationId: 'conv1', endpoint: bff.endpoint });
    const seen: string[][] = [];
    made.subscribe(() => seen.push(made.getState().rules.allowedTypes.map((type) => type.id)));
    expect(made.getState().rules.allowedTypes).toHaveLength(13);
    await vi.waitFor(() => expect(made.getState().policy).toBeTruthy(), { timeout: 5000 });
    expect(seen.at(-1)).toEqual(['PDF']);
  });

  it('a server unreachable for its policy still takes uploads, under the options', async () => {
    const bff = await stack({ allowedTypes: ['PDF'] });
    const lossy = await front(bff, { unreachable: true });
    const made = await uploader({ conversationId: 'conv1', endpoint: lossy.endpoint, allowedTypes: ['PNG', 'PDF'] });
    expect(lossy.asked()).toBe(1);
    expect(made.getState().policy).toBeNull();
    expect(made.getState().rules.allowedTypes.map((type) => type.id)).toEqual(['PNG', 'PDF']);
    made.addFiles([pdf('contract.pdf')]);
    await settled(made);
    expect(made.getState().items).toEqual([expect.objectContaining({ name: 'contract.pdf', status: 'done' })]);
  });

  it('is asked once per endpoint and query client, however many uploaders', async () => {
    const bff = await stack();
    const counted = await front(bff);
    const queryClient = new QueryClient();
    const first = await uploader({ conversationId: 'conv1', endpoint: counted.endpoint, queryClient });
    const second = await uploader({ conversationId: 'conv1', endpoint: counted.endpoint, queryClient });
    second.setOptions({ conversationId: 'conv1', endpoint: counted.endpoint, queryClient, maxFiles: 3 });
    expect(second.getState().policy).toEqual(first.getState().policy);
    expect(counted.asked()).toBe(1);
  });
});
