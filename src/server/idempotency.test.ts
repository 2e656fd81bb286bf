import { afterEach, describe, expect, it, vi } from 'vitest';
import { UploadError } from '../shared/upload-error.js';
import { hashBody, idempotencyScope, once, type KeptAnswer } from './idempotency.js';
import { memoryStore } from './store/memory-store.js';
import type { SharedStore } from './store/shared-store.js';

// `once` on a real memory store: what is kept, what a second request with the key gets, and when
// it stops waiting. The route's own tests (send-message.test.ts) play it through HTTP.

const OK: KeptAnswer = { status: 200, body: { messageId: 'm1' } };
const work = () => vi.fn(async () => OK);

/** The code and retry of what `promise` rejects with. */
async function refusal(promise: Promise<unknown>): Promise<{ code: string; retryAfter?: number }> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof UploadError)) throw new Error(`expected an UploadError, got ${String(error)}`);
  return { code: error.code, ...(error.retryAfter === undefined ? {} : { retryAfter: error.retryAfter }) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('idempotencyScope and hashBody', () => {
  it('scope the key by location and hash it (the client writes it), in base64url', () => {
    const scope = idempotencyScope('loc1', 'key-of-the-client');
    expect(scope).toMatch(/^send:loc1:[A-Za-z0-9_-]{43}$/);
    expect(scope).not.toContain('key-of-the-client');
    expect(idempotencyScope('loc2', 'key-of-the-client')).not.toBe(scope);
    expect(idempotencyScope('loc1', 'another-key')).not.toBe(scope);
    expect(hashBody({ a: 1 })).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(hashBody({ a: 1 })).not.toBe(hashBody({ a: 2 }));
  });
});

describe('once', () => {
  it('runs the work once and replays its answer; marks the key running, with the body’s hash, meanwhile', async () => {
    const store = memoryStore();
    let during: unknown;
    const first = vi.fn(async () => {
      during = JSON.parse((await store.get('s'))!);
      return OK;
    });
    expect(await once({ store, scope: 's', bodyHash: 'h', maxRunMs: 1000 }, first)).toEqual({ answer: OK, replayed: false });
    expect(during).toEqual({ hash: 'h', state: 'running' });
    const again = work();
    expect(await once({ store, scope: 's', bodyHash: 'h', maxRunMs: 1000 }, again)).toEqual({ answer: OK, replayed: true });
    expect([first.mock.calls.length, again.mock.calls.length]).toEqual([1, 0]);
    expect(await refusal(once({ store, scope: 's', bodyHash: 'other', maxRunMs: 1000 }, work()))).toEqual({ code: 'idempotency-key-reused' });
  });

  it('keeps nothing when the work throws, and frees the key and its lock for the retry', async () => {
    const store = memoryStore();
    const failing = vi.fn(async () => {
      throw new Error('HighLevel away');
    });
    await expect(once({ store, scope: 's', bodyHash: 'h', maxRunMs: 60_000 }, failing)).rejects.toThrow('HighLevel away');
    expect(await store.get('s')).toBeUndefined();
    vi.useFakeTimers({ toFake: ['Date'] });
    // Were the lock still held, the retry would be 409 at once (maxRunMs 0).
    const retry = work();
    expect(await once({ store, scope: 's', bodyHash: 'h', maxRunMs: 0 }, retry)).toEqual({ answer: OK, replayed: false });
    expect(retry).toHaveBeenCalledOnce();
  });

  it('another key has a lock of its own', async () => {
    const store = memoryStore();
    let release!: () => void;
    const slow = once({ store, scope: 'a', bodyHash: 'h', maxRunMs: 60_000 }, () => new Promise<KeptAnswer>((resolve) => (release = () => resolve(OK))));
    await vi.waitFor(() => expect(release).toBeDefined());
    vi.useFakeTimers({ toFake: ['Date'] });
    expect(await once({ store, scope: 'b', bodyHash: 'h', maxRunMs: 0 }, work())).toEqual({ answer: OK, replayed: false });
    release();
    await slow;
  });

  describe('while the first request still runs', () => {
    /** A store where another instance holds the key's lock and has marked it running with `record`. */
    async function heldElsewhere(record: string): Promise<SharedStore> {
      const store = memoryStore();
      await store.set('s', record);
      expect(await store.tryLock('s:lock', 60_000)).toBeDefined();
      return store;
    }

    it('a request with another body is told at once', async () => {
      const store = await heldElsewhere(JSON.stringify({ hash: 'first', state: 'running' }));
      vi.useFakeTimers({ toFake: ['Date'] });
      expect(await refusal(once({ store, scope: 's', bodyHash: 'second', maxRunMs: 60_000 }, work()))).toEqual({ code: 'idempotency-key-reused' });
    });

    it('a request with the same body is 409 send-in-progress with its retry once maxRunMs has passed, at the deadline’s own millisecond', async () => {
      const store = await heldElsewhere(JSON.stringify({ hash: 'h', state: 'running' }));
      vi.useFakeTimers({ toFake: ['Date'] });
      const waiting = work();
      expect(await refusal(once({ store, scope: 's', bodyHash: 'h', maxRunMs: 0 }, waiting))).toEqual({ code: 'send-in-progress', retryAfter: 1 });
      expect(await refusal(once({ store, scope: 's', bodyHash: 'h', maxRunMs: 0, pollMs: 1500 }, waiting))).toEqual({ code: 'send-in-progress', retryAfter: 2 });
      await expect(once({ store, scope: 's', bodyHash: 'h', maxRunMs: 0, pollMs: 1500 }, waiting)).rejects.toThrow('2 s');
      expect(await refusal(once({ store, scope: 's', bodyHash: 'h', maxRunMs: 0, pollMs: 10 }, waiting))).toEqual({ code: 'send-in-progress', retryAfter: 1 });
      expect(waiting).not.toHaveBeenCalled();
    });

    it('a waiting request gets the first one’s answer once it is kept', async () => {
      const store = await heldElsewhere(JSON.stringify({ hash: 'h', state: 'running' }));
      const waiting = once({ store, scope: 's', bodyHash: 'h', maxRunMs: 60_000, pollMs: 5 }, work());
      await store.set('s', JSON.stringify({ hash: 'h', state: 'done', answer: OK }));
      expect(await waiting).toEqual({ answer: OK, replayed: true });
    });

    it.each([
      ['not JSON', '{"hash":'],
      ['JSON null', 'null'],
      ['a hash that is no string', JSON.stringify({ hash: 5, state: 'running' })],
      ['an unknown state', JSON.stringify({ hash: 'first', state: 'paused' })],
    ])('a record that is %s is no record: the request waits for the lock, not refused', async (_name, record) => {
      const store = await heldElsewhere(record);
      vi.useFakeTimers({ toFake: ['Date'] });
      expect(await refusal(once({ store, scope: 's', bodyHash: 'second', maxRunMs: 0 }, work()))).toEqual({ code: 'send-in-progress', retryAfter: 1 });
    });
  });

  describe('when another instance finishes between the read and the lock', () => {
    /** A store on which another instance keeps its answer (for `hash`) just before this one takes the lock. */
    function finishedMeanwhile(hash: string): SharedStore {
      const store = memoryStore();
      return {
        ...store,
        tryLock: async (key, ttlMs) => {
          await store.set('s', JSON.stringify({ hash, state: 'done', answer: OK }));
          return store.tryLock(key, ttlMs);
        },
      };
    }

    it('its answer stands, and the work does not run', async () => {
      const mine = work();
      expect((await once({ store: finishedMeanwhile('h'), scope: 's', bodyHash: 'h', maxRunMs: 1000 }, mine)).answer).toEqual(OK);
      expect(mine).not.toHaveBeenCalled();
    });

    it('another body is told the key was used', async () => {
      const mine = work();
      expect(await refusal(once({ store: finishedMeanwhile('first'), scope: 's', bodyHash: 'second', maxRunMs: 1000 }, mine))).toEqual({ code: 'idempotency-key-reused' });
      expect(mine).not.toHaveBeenCalled();
    });
  });
});
