import { describe, expect, it, vi } from 'vitest';
import { redisStore } from './redis-store.js';

// An app that never installed the optional peer dependency, as `import('ioredis')` sees it.
vi.mock('ioredis', () => {
  throw new Error("Cannot find package 'ioredis'");
});

describe('the redis store without the ioredis package', () => {
  it('stops the start with the command that installs it, keeping the loader\'s error', async () => {
    const error = (await redisStore({ url: 'redis://127.0.0.1:6379' }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/the `ioredis` package is needed for a Redis URL\. Install it: npm install ioredis/);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('needs no package with a client of one\'s own', async () => {
    const values = new Map<string, string>();
    const store = await redisStore({
      client: {
        get: async (key) => values.get(key) ?? null,
        set: async (key: string, value: string) => values.set(key, value),
        del: async (key) => Number(values.delete(key)),
        eval: async () => 0,
        evalsha: async () => 0,
        quit: async () => 'OK',
      },
    });
    await store.set('k', 'v');
    expect(await store.get('k')).toBe('v');
    expect(values.get('ghl-attachments:k')).toBe('v');
  });
});
