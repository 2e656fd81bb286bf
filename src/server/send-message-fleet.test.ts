/**
 * Two BFF processes on one Redis: a retry of a send that lands on the other instance, while the
 * first is still sending or after it answered, still makes one message.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockHighLevel, type RunningMockHighLevel } from '../mock-highlevel/index.js';
import type { UploadResponseBody } from '../shared/wire.js';
import { fixture } from '../testing/fixtures.js';
import { startFleetInstance, type FleetInstance } from '../testing/fleet-process.js';
import { formOf } from '../testing/multipart.js';
import { startRedisServer, type RedisServer } from '../testing/redis-server.js';
import { oauthToken } from './auth/oauth-token.js';
import { redisStore } from './store/redis-store.js';
import type { SharedStore } from './store/shared-store.js';

const APP = { clientId: 'send-fleet-app', clientSecret: 'send-fleet-secret' };
const LOCATION = 'loc-send';
const HEADERS = { 'X-Requested-With': 'ghl-attachments', 'Content-Type': 'application/json' };

let redis: RedisServer;
let mock: RunningMockHighLevel;
let shared: SharedStore;
let fleet: FleetInstance[];

beforeAll(async () => {
  [redis, mock] = await Promise.all([
    startRedisServer(),
    startMockHighLevel({ tokens: [], oauth: APP, locations: [{ id: LOCATION, name: LOCATION }], conversations: [{ id: 'fleet-conv', locationId: LOCATION }] }),
  ]);
  shared = await redisStore({ url: redis.url });
  await oauthToken({ ...APP, shared, tokenUrl: `${mock.url}/oauth/token`, logger: {} }).install(mock.authorizationCode(LOCATION));
  const settings = { ...APP, mockUrl: mock.url, redisUrl: redis.url, locationId: LOCATION, previewSecret: 'one-secret-for-the-whole-fleet-of-instances' };
  fleet = await Promise.all([startFleetInstance(settings), startFleetInstance(settings)]);
}, 60_000);
afterAll(async () => {
  await Promise.all((fleet ?? []).map((instance) => instance.stop()));
  await shared?.close();
  await Promise.all([redis?.stop(), mock?.close()]);
});

function send(instance: FleetInstance, key: string, body: unknown, signal?: AbortSignal) {
  return fetch(`${instance.endpoint}/messages`, { method: 'POST', headers: { ...HEADERS, 'Idempotency-Key': key }, body: JSON.stringify(body), signal });
}

describe('a send retried on another instance', () => {
  it('waits for the first instance’s send and answers with it, when the first answer was cut', async () => {
    const upload = await fetch(fleet[0]!.endpoint, {
      method: 'POST',
      headers: { 'X-Requested-With': 'ghl-attachments' },
      body: formOf([['conversationId', 'fleet-conv'], { name: 'a.png', bytes: fixture('sample.png').bytes }]),
    });
    const [file] = ((await upload.json()) as UploadResponseBody).files;
    const body = { conversationId: 'fleet-conv', message: 'across the fleet', attachments: [file!.handle] };
    const key = randomUUID();
    mock.failNextSend({ kind: 'delay', ms: 1500 });
    // The first instance's answer is cut (the client gives up); the retry goes to the second.
    await expect(send(fleet[0]!, key, body, AbortSignal.timeout(300))).rejects.toThrow();
    const retry = await send(fleet[1]!, key, body);
    expect(retry.status).toBe(200);
    const answer = (await retry.json()) as { messageId: string; attachments: string[] };
    expect(answer.attachments).toEqual([file!.url]);
    // Later retries, on either instance, are the same answer; another body is refused.
    for (const instance of fleet) {
      const again = await send(instance, key, body);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(((await again.json()) as { messageId: string }).messageId).toBe(answer.messageId);
    }
    expect((await send(fleet[1]!, key, { ...body, message: 'changed' })).status).toBe(422);
    expect(mock.thread('fleet-conv').filter((message) => message.body === 'across the fleet')).toHaveLength(1);
  }, 30_000);

  it('makes one message of the same send arriving at both instances at once', async () => {
    const key = randomUUID();
    const body = { conversationId: 'fleet-conv', message: 'both at once' };
    mock.failNextSend({ kind: 'delay', ms: 500 });
    const answers = await Promise.all(fleet.map((instance) => send(instance, key, body)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    const ids = await Promise.all(answers.map(async (answer) => ((await answer.json()) as { messageId: string }).messageId));
    expect(ids[0]).toBe(ids[1]);
    expect(mock.thread('fleet-conv').filter((message) => message.body === 'both at once')).toHaveLength(1);
  }, 30_000);
});
