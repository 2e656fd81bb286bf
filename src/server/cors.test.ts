import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rawRequest } from '../testing/raw-request.js';
import { startStack, type Stack } from '../testing/start-stack.js';

/** Preflights (`OPTIONS`) from an origin the BFF allows: what is approved, and how the asked headers are read. */
describe('preflights from an allowed origin', () => {
  const CRM = 'https://crm.example';
  let cors: Stack;
  beforeAll(async () => {
    cors = await startStack({ bff: { allowedOrigins: [CRM] } });
  });
  afterAll(() => cors.close());
  const ask = (method: string, requested?: string) =>
    rawRequest(cors.endpoint, {
      method: 'OPTIONS',
      headers: { Origin: CRM, 'Access-Control-Request-Method': method, ...(requested === undefined ? {} : { 'Access-Control-Request-Headers': requested }) },
    });

  it('approves GET (a preview) and POST (an upload), and no cache keeps the approval', async () => {
    for (const method of ['GET', 'POST']) {
      const answer = await ask(method, 'x-requested-with');
      expect(answer?.status, method).toBe(204);
      expect(answer?.headers['access-control-allow-origin']).toBe(CRM);
      expect(answer?.headers['cache-control']).toBe('no-store');
    }
    const refused = await ask('PUT', 'x-requested-with');
    expect(refused?.status).toBe(403);
    // No CORS header at all, so the browser sends nothing; and no cache mixes origins.
    expect(refused?.headers['access-control-allow-origin']).toBeUndefined();
    expect(refused?.headers.vary).toBe('Origin');
  });

  it('reads the asked headers as browsers and proxies write them: any case, spaces, empty items', async () => {
    for (const requested of ['X-Requested-With', ' x-requested-with , ', 'x-requested-with,,', '', undefined]) {
      expect((await ask('POST', requested))?.status, JSON.stringify(requested)).toBe(204);
    }
    expect((await ask('POST', 'x-requested-with, x-evil'))?.status).toBe(403);
  });
});
