import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { createUploadHandler, staticToken } from './index.js';
import { DEFAULT_LOGGER, resolveLogger } from './logger.js';

function pinoLines() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, sink), lines };
}

describe('resolveLogger', () => {
  it('hands a real pino instance its own order, (fields, message), so that no field is lost', async () => {
    const { logger, lines } = pinoLines();
    const resolved = resolveLogger(logger, 'test');
    resolved.warn('HighLevel refused an upload', { status: 422, locationId: 'loc-1' });
    resolved.info('uploaded');
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines[0]).toMatchObject({ level: 40, msg: 'HighLevel refused an upload', status: 422, locationId: 'loc-1' });
    expect(lines[1]).toMatchObject({ level: 30, msg: 'uploaded' });
  });

  it('calls console-shaped loggers (console, winston, your own) as (message, fields), leaving out fields it has none of', () => {
    const calls: unknown[][] = [];
    const resolved = resolveLogger({ error: (...args: unknown[]) => calls.push(args) }, 'test');
    resolved.error('lost a refresh', { locationId: 'loc-1' });
    resolved.error('no fields');
    resolved.info('a level it does not have is dropped');
    expect(calls).toEqual([['lost a refresh', { locationId: 'loc-1' }], ['no fields']]);
  });

  it('defaults to console for warnings and errors, with no info lines, and no empty fields argument', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const info = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    try {
      const resolved = resolveLogger(undefined, 'test');
      resolved.warn('careful', { a: 1 });
      resolved.warn('careful alone');
      resolved.error('failed', { b: 2 });
      resolved.error('failed alone');
      resolved.info('chatter');
      // console prints an `undefined` it is given: a line without fields gets one argument.
      expect(warn.mock.calls).toEqual([['careful', { a: 1 }], ['careful alone']]);
      expect(error.mock.calls).toEqual([['failed', { b: 2 }], ['failed alone']]);
      expect(info).not.toHaveBeenCalled();
      expect(DEFAULT_LOGGER.info).toBeUndefined();
    } finally {
      warn.mockRestore();
      error.mockRestore();
      info.mockRestore();
    }
  });

  it('refuses a logger that is not an object, naming its owner', () => {
    expect(() => resolveLogger('console' as never, 'oauthToken')).toThrow(/oauthToken: `logger` must be an object/);
    expect(() => resolveLogger((() => undefined) as never, 'redisStore')).toThrow(/redisStore: `logger` must be an object/);
  });
});

describe('a pino logger passed to the handler as it is', () => {
  it('gets the handler’s warning as a pino line', async () => {
    const { logger, lines } = pinoLines();
    createUploadHandler({ getToken: staticToken('pit'), locationId: 'loc-1', authorize: 'anyone', logger });
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines.some((line) => line.level === 40 && String(line.msg).startsWith('no previewSecret'))).toBe(true);
  });
});
