import { describe, expect, it } from 'vitest';
import { frameAncestorsPolicy } from './index.js';

describe('frameAncestorsPolicy', () => {
  it('takes origins, http for local development too, and nothing that could add a directive', () => {
    expect(frameAncestorsPolicy(['https://app.example', 'http://localhost:3000'])).toBe("frame-ancestors 'self' https://app.example http://localhost:3000");
    expect(frameAncestorsPolicy([])).toBe("frame-ancestors 'self'");
    expect(() => frameAncestorsPolicy(['https://a.example; script-src https://evil.example'])).toThrow(
      'frameAncestorsPolicy: "https://a.example; script-src https://evil.example" is not an origin',
    );
  });
});
