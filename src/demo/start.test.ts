import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const start = fileURLToPath(new URL('./start.ts', import.meta.url));

describe('npm start with a real token', () => {
  it('refuses to listen beyond loopback without an authorization decision, and says how to make one', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', start], {
      env: { ...process.env, HOST: '0.0.0.0', PORT: '0', GHL_TOKEN: 'pit-real-looking-token', GHL_LOCATION_ID: 'loc1', GHL_AUTHORIZE: '' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Refusing to listen on 0.0.0.0 with a real GHL_TOKEN and no authorization');
    expect(run.stderr).toContain('GHL_AUTHORIZE=anyone');
    expect(run.stdout + run.stderr).not.toContain('pit-real-looking-token');
  }, 70_000);
});
