import { describe, expect, it } from 'vitest';
import { HIGHLEVEL_APP_ORIGINS, originMatches } from './highlevel-origins.js';

describe('originMatches', () => {
  it('takes HighLevel’s origins and their subdomains, on https and the default port only', () => {
    const accepted = (origin: string) => HIGHLEVEL_APP_ORIGINS.some((pattern) => originMatches(origin, pattern));
    expect(accepted('https://app.gohighlevel.com')).toBe(true);
    expect(accepted('https://agency.app.gohighlevel.com')).toBe(true);
    expect(accepted('https://app.leadconnectorhq.com')).toBe(true);
    expect(accepted('http://app.gohighlevel.com')).toBe(false);
    expect(accepted('https://app.gohighlevel.com:8443')).toBe(false);
    expect(accepted('https://gohighlevel.com.evil.example')).toBe(false);
    expect(accepted('https://evilgohighlevel.com')).toBe(false);
    expect(accepted('null')).toBe(false);
  });

  it('matches an exact origin exactly', () => {
    expect(originMatches('http://localhost:3000', 'http://localhost:3000')).toBe(true);
    expect(originMatches('http://localhost:3001', 'http://localhost:3000')).toBe(false);
  });
});

describe('origin patterns (frame ancestors, SSO)', () => {
  it('a wildcard is a whole pattern: scheme, *., a domain, nothing before or after', () => {
    expect(originMatches('https://agency.gohighlevel.com', 'https://*.gohighlevel.com')).toBe(true);
    expect(originMatches('http://crm.local.test', 'http://*.local.test')).toBe(true);
    expect(originMatches('https://agency.gohighlevel.com', 'x https://*.gohighlevel.com')).toBe(false);
    expect(originMatches('https://agency.gohighlevel.com', 'https://*.gohighlevel.com/app')).toBe(false);
    expect(originMatches('https://gohighlevel.com.evil.example', 'https://*.gohighlevel.com')).toBe(false);
    expect(originMatches('https://agency.gohighlevel.com:8443', 'https://*.gohighlevel.com')).toBe(false);
  });
});
