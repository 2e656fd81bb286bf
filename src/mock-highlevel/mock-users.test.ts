import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockHighLevel, type RunningMockHighLevel } from './index.js';

let mock: RunningMockHighLevel;
let stock: RunningMockHighLevel;

beforeAll(async () => {
  mock = await startMockHighLevel({
    tokens: [
      { token: 'good', locationId: 'loc1' },
      { token: 'no-users-scope', locationId: 'loc1', scopes: ['conversations/message.write'] },
      { token: 'gone', locationId: 'loc1', expiresAt: Date.now() - 1 },
    ],
    users: [
      { id: 'u1', name: 'Ada Lovelace', email: 'ada@example.com', role: 'user', type: 'account', locationIds: ['loc1'] },
      { id: 'boss', role: 'admin', type: 'agency', locationIds: [], restrictSubAccount: false },
      { id: 'elsewhere', role: 'admin', type: 'agency', locationIds: [], companyId: 'another-agency' },
    ],
  });
  stock = await startMockHighLevel({ locations: [{ id: 'l1', name: 'One' }, { id: 'l2', name: 'Two' }] });
});
afterAll(async () => {
  await mock.close();
  await stock.close();
});

const getUser = (base: string, id: string, headers: Record<string, string> = { Authorization: 'Bearer good', Version: '2021-07-28' }) =>
  fetch(`${base}/users/${id}`, { headers });

describe('the mock’s GET /users/{userId}', () => {
  it('answers a user of the token’s agency as HighLevel’s Users API does: id, names, email, roles', async () => {
    const answer = await getUser(mock.url, 'u1');
    expect(answer.status).toBe(200);
    expect(await answer.json()).toMatchObject({
      id: 'u1',
      name: 'Ada Lovelace',
      firstName: 'Ada',
      lastName: 'Lovelace',
      email: 'ada@example.com',
      roles: { type: 'account', role: 'user', locationIds: ['loc1'], restrictSubAccount: false },
    });
    expect(await (await getUser(mock.url, 'boss')).json()).toMatchObject({ roles: { type: 'agency', role: 'admin' } });
  });

  it('answers 400 for a user it does not know, or of another agency, or an id that does not decode', async () => {
    for (const id of ['nobody', 'elsewhere', '%E0%A4%A']) {
      const answer = await getUser(mock.url, id);
      expect(answer.status, id).toBe(400);
      expect(await answer.json()).toMatchObject({ statusCode: 400 });
    }
  });

  it('401 without a valid token or without users.readonly; 400 without its Version', async () => {
    const withoutToken: Record<string, string>[] = [{ Version: '2021-07-28' }, { Authorization: 'Bearer nope', Version: '2021-07-28' }, { Authorization: 'Bearer gone', Version: '2021-07-28' }];
    for (const headers of withoutToken) {
      expect((await getUser(mock.url, 'u1', headers)).status).toBe(401);
    }
    const scope = await getUser(mock.url, 'u1', { Authorization: 'Bearer no-users-scope', Version: '2021-07-28' });
    expect(scope.status).toBe(401);
    expect(((await scope.json()) as { message: string }).message).toMatch(/scope/);
    for (const version of ['2021-04-15', '']) {
      expect((await getUser(mock.url, 'u1', { Authorization: 'Bearer good', Version: version })).status, version).toBe(400);
    }
  });

  it('counts lookups, and plays the faults queued for them only', async () => {
    const before = mock.stats.userLookups;
    mock.failNextUserLookup({ kind: 'answer', status: 503 });
    expect((await getUser(mock.url, 'u1')).status).toBe(503);
    expect((await getUser(mock.url, 'u1')).status).toBe(200);
    expect(mock.stats.userLookups).toBe(before + 2);
    expect(mock.stats.uploadRequests).toBe(0);
  });

  it('knows, by default, the stand-in page’s user: an admin of every sub-account', async () => {
    const answer = await getUser(stock.url, 'mock-user', { Authorization: `Bearer ${stock.token}`, Version: '2021-07-28' });
    expect(await answer.json()).toMatchObject({ id: 'mock-user', roles: { type: 'account', role: 'admin', locationIds: ['l1', 'l2'] } });
  });
});
