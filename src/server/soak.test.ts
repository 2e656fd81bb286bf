import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isErrorCode } from '../shared/error-codes.js';
import type { ErrorResponseBody, UploadResponseBody } from '../shared/wire.js';
import { pngOfSize } from '../testing/fixtures.js';
import { formOf } from '../testing/multipart.js';
import { startStack, type Stack } from '../testing/start-stack.js';

const UPLOADS = 2000;
const AT_ONCE = 64;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const settledHeap = async () => {
  for (let i = 0; i < 3; i += 1) {
    gc();
    await new Promise((wait) => setTimeout(wait, 20));
  }
  return process.memoryUsage().heapUsed;
};

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ mock: { rateLimits: { max: 1_000_000, daily: 1_000_000 } } });
});
afterAll(() => stack.close());

/** Upload `i`: mostly unique PNGs and texts; every 40th is an .exe, refused with a typed error. */
function upload(i: number): { name: string; bytes: Uint8Array } {
  if (i % 40 === 39) return { name: `tool-${i}.exe`, bytes: new TextEncoder().encode('MZ') };
  if (i % 3 === 0) return { name: `note-${i}.txt`, bytes: new TextEncoder().encode(`note number ${i}\n`.repeat(1 + (i % 50))) };
  return { name: `photo-${i}.png`, bytes: pngOfSize(300 + ((i * 7919) % 60_000), i) };
}

describe('soak', () => {
  it(`${UPLOADS} uploads, ${AT_ONCE} at once: each ends in its own URL or a typed error, and memory comes back`, async () => {
    // Warm up, so that lazily created pools and caches are not counted as growth.
    for (let i = 0; i < AT_ONCE; i += 1) await send(i);
    const heapBefore = await settledHeap();

    const outcomes: { i: number; url?: string; code?: string }[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: AT_ONCE }, async () => {
        while (next < UPLOADS) {
          const i = next;
          next += 1;
          outcomes.push({ i, ...(await send(i)) });
        }
      }),
    );

    expect(outcomes).toHaveLength(UPLOADS);
    const refused = outcomes.filter((outcome) => outcome.code);
    expect(refused.map((outcome) => outcome.i % 40)).toEqual(Array(UPLOADS / 40).fill(39));
    expect(refused.every((outcome) => outcome.code === 'file-type-not-allowed')).toBe(true);
    const stored = outcomes.filter((outcome) => outcome.url);
    expect(stored).toHaveLength(UPLOADS - UPLOADS / 40);
    expect(new Set(stored.map((outcome) => outcome.url)).size).toBe(stored.length);

    // Every URL serves exactly the bytes of its own upload.
    for (let k = 0; k < stored.length; k += AT_ONCE) {
      await Promise.all(
        stored.slice(k, k + AT_ONCE).map(async ({ i, url }) => {
          const served = new Uint8Array(await (await fetch(url!)).arrayBuffer());
          const expected = upload(i).bytes;
          expect(served.length).toBe(expected.length);
          expect(Buffer.compare(Buffer.from(served), Buffer.from(expected))).toBe(0);
        }),
      );
    }

    const heapAfter = await settledHeap();
    const grownMb = (heapAfter - heapBefore) / 1024 / 1024;
    console.info(`soak: heap ${(heapBefore / 1048576).toFixed(1)} MB before, ${(heapAfter / 1048576).toFixed(1)} MB after`);
    // The mock keeps a small record per stored file (about 2,000 here); the BFF keeps nothing.
    expect(grownMb).toBeLessThan(24);
  }, 180_000);
});

async function send(i: number): Promise<{ url?: string; code?: string }> {
  const file = upload(i);
  const response = await fetch(stack.endpoint, {
    method: 'POST',
    headers: { 'X-Requested-With': 'ghl-attachments' },
    body: formOf([['conversationId', 'soak'], { name: file.name, bytes: file.bytes }]),
  });
  const body = (await response.json()) as UploadResponseBody & ErrorResponseBody;
  if (response.ok) return { url: body.files[0]!.url };
  if (!isErrorCode(body.error?.code)) throw new Error(`untyped answer ${response.status}`);
  return { code: body.error.code };
}
