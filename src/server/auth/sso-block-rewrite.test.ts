/**
 * The CBC block-rewrite against HighLevel's user context, played as a signed-in user would play
 * it. The payload is AES-256-CBC with no MAC: XOR-ing ciphertext block k−1 with (known plaintext
 * ⊕ wanted plaintext) sets plaintext block k to the wanted 16 bytes, and turns block k−1 into
 * random bytes. A user knows their own context and writes their own display name, so they pad
 * the name until its last 16 bytes fill block k, with block k−1 inside the name too, and ask for
 * block k to read `", "role":"admin` or `","userId":"u-ad`: the name's own closing quote then
 * ends the forged value, and the random block lands inside the name string. Every fresh payload
 * (a new salt) gives new random bytes, and the sign-in's answer says whether they parsed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptUserContext } from '../../mock-highlevel/index.js';
import { fixture } from '../../testing/fixtures.js';
import { formOf } from '../../testing/multipart.js';
import { startStack, type Stack } from '../../testing/start-stack.js';

const SECRET = 'the-apps-shared-secret-0123456789';
const ATTEMPTS = 300;

/** The attacker: a plain user of loc-a, as HighLevel knows them and as their payload says. */
const ATTACKER = {
  userId: 'u-attacker',
  companyId: 'mock-company',
  role: 'user',
  type: 'location',
  userName: '',
  email: 'mallory@example.com',
  isAgencyOwner: false,
  activeLocation: 'loc-a',
  versionId: 'v1',
  appStatus: 'live',
};

/**
 * The attacker's own context, with a name whose last 16 bytes fill a whole block (the one to
 * rewrite, placeholder bytes for now) and the block before it inside the name as well.
 */
function alignedContext(): { context: typeof ATTACKER; block: number } {
  for (let pad = 0; pad < 16; pad += 1) {
    const userName = `Mallory ${'x'.repeat(16 + pad)}${'y'.repeat(16)}`;
    const text = JSON.stringify({ ...ATTACKER, userName });
    const end = text.indexOf(`${userName}"`) + userName.length;
    const start = end - userName.length;
    if (end % 16 === 0 && start <= end - 32) return { context: { ...ATTACKER, userName }, block: end / 16 - 1 };
  }
  throw new Error('no alignment');
}

/** A fresh genuine payload of the attacker's, rewritten so that plaintext block `block` reads `wanted`. */
function forged(wanted: string): string {
  const { context, block } = alignedContext();
  const known = Buffer.from(JSON.stringify(context), 'utf8').subarray(block * 16, block * 16 + 16);
  const target = Buffer.from(wanted, 'utf8');
  expect(target.length).toBe(16);
  const raw = Buffer.from(encryptUserContext(context, SECRET), 'base64');
  // Ciphertext block i starts at 16 + 16·i (after "Salted__" and the salt); block k−1 is changed.
  const at = 16 + (block - 1) * 16;
  for (let i = 0; i < 16; i += 1) raw[at + i]! ^= known[i]! ^ target[i]!;
  return raw.toString('base64');
}

let stack: Stack;
let uploadsAccepted = 0;
beforeAll(async () => {
  stack = await startStack({
    mock: {
      tokens: [{ token: 'token-a', locationId: 'loc-a', scopes: ['conversations/message.write', 'users.readonly'] }],
      users: [
        { id: 'u-attacker', role: 'user', type: 'account', locationIds: ['loc-a'] },
        { id: 'u-ad', role: 'admin', type: 'account', locationIds: ['loc-a'] },
      ],
      rateLimits: { max: 100_000 },
    },
    bff: {
      locationId: undefined,
      // Raised far past the defaults, so that all 600 attempts get an answer to learn from:
      // the point here is what a parsed forgery gives, not how soon the limits stop it (the
      // limits have their own test, below and in sign-in-rate-limit.test.ts).
      highLevelSso: { sharedSecret: SECRET, signInsPerMinutePerAddress: 100_000, signInsPerMinutePerLocation: 100_000 },
      getToken: () => 'token-a',
      // docs/marketplace.md's own example: only HighLevel admins may upload.
      authorize: (_request, { user }) => user?.role === 'admin',
    },
  });
});
afterAll(() => stack.close());

const signIn = (encryptedData: string) =>
  fetch(`${stack.endpoint}/session`, {
    method: 'POST',
    headers: { 'X-Requested-With': 'ghl-attachments', 'Content-Type': 'application/json' },
    body: JSON.stringify({ encryptedData }),
  });

const upload = (token: string) =>
  fetch(stack.endpoint, {
    method: 'POST',
    headers: { 'X-Requested-With': 'ghl-attachments', Authorization: `Bearer ${token}` },
    body: formOf([['conversationId', 'c1'], { name: 'a.png', bytes: fixture('sample.png').bytes }]),
  });

interface Outcome {
  signedIn: number;
  altered: number;
}

/** `ATTEMPTS` forged sign-ins, ten at a time; each session is checked, and tried for an upload. */
async function attack(wanted: string): Promise<Outcome> {
  const outcome: Outcome = { signedIn: 0, altered: 0 };
  const one = async () => {
    const answer = await signIn(forged(wanted));
    if (answer.status !== 200) {
      await answer.body?.cancel();
      return;
    }
    outcome.signedIn += 1;
    const { user, token } = (await answer.json()) as { user: { userId: string; role: string }; token: string };
    if (user.userId !== 'u-attacker' || user.role !== 'user') outcome.altered += 1;
    const uploaded = await upload(token);
    await uploaded.body?.cancel();
    if (uploaded.status === 200) uploadsAccepted += 1;
  };
  for (let done = 0; done < ATTEMPTS; done += 10) await Promise.all(Array.from({ length: 10 }, one));
  return outcome;
}

describe('the CBC block-rewrite of the user context', () => {
  it('a genuine payload of the attacker signs in as who they are, and may not upload', async () => {
    const answer = await signIn(encryptUserContext(alignedContext().context, SECRET));
    expect(answer.status).toBe(200);
    const { user, token } = (await answer.json()) as { user: { userId: string; role: string }; token: string };
    expect([user.userId, user.role]).toEqual(['u-attacker', 'user']);
    expect((await upload(token)).status).toBe(401);
  });

  it(`${ATTEMPTS} attempts at role → admin: no session with a role it did not have, no upload`, async () => {
    const outcome = await attack('", "role":"admin');
    console.info(`role → admin: ${outcome.altered} altered sessions of ${ATTEMPTS} attempts (${outcome.signedIn} signed in), uploads accepted so far: ${uploadsAccepted}`);
    expect(outcome.altered).toBe(0);
    expect(uploadsAccepted).toBe(0);
  }, 120_000);

  it(`${ATTEMPTS} attempts at userId → another user (an admin): no session as anyone else, no upload`, async () => {
    const outcome = await attack('","userId":"u-ad');
    console.info(`userId → u-ad: ${outcome.altered} altered sessions of ${ATTEMPTS} attempts (${outcome.signedIn} signed in), uploads accepted so far: ${uploadsAccepted}`);
    expect(outcome.altered).toBe(0);
    expect(uploadsAccepted).toBe(0);
  }, 120_000);
});

describe('the same attack against the default limits', () => {
  let defaults: Stack;
  beforeAll(async () => {
    defaults = await startStack({
      mock: { tokens: [{ token: 'token-a', locationId: 'loc-a' }], users: [{ id: 'u-attacker', role: 'user', type: 'account', locationIds: ['loc-a'] }] },
      bff: { locationId: undefined, highLevelSso: { sharedSecret: SECRET }, getToken: () => 'token-a', authorize: (_request, { user }) => user?.role === 'admin' },
    });
  });
  afterAll(() => defaults.close());

  it('gets 30 answers a minute from one address, then only 429 with Retry-After: the oracle is cut off', async () => {
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 40; i += 1) {
      const answer = await fetch(`${defaults.endpoint}/session`, {
        method: 'POST',
        headers: { 'X-Requested-With': 'ghl-attachments', 'Content-Type': 'application/json' },
        body: JSON.stringify({ encryptedData: forged('", "role":"admin') }),
      });
      statuses.push(answer.status);
      if (answer.status === 429) retryAfter = answer.headers.get('retry-after');
      await answer.body?.cancel();
    }
    expect(statuses.slice(0, 30).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(30)).toEqual(Array.from({ length: 10 }, () => 429));
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
  });
});
