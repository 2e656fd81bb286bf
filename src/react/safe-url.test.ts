import { describe, expect, it } from 'vitest';
import { safeUrl } from './safe-url.js';

describe('safeUrl: only http(s) URLs reach an href or src', () => {
  it.each([
    'javascript:alert(1)',
    'JavaScript:alert(1)',
    ' javascript:alert(1)',
    'java\tscript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'blob:https://app.example/1234',
    'ftp://files.example/a.png',
    '//evil.example/a.png',
    '/relative/a.png',
    'not a url',
    '',
    undefined,
  ])('refuses %j', (url) => {
    expect(safeUrl(url)).toBeUndefined();
  });

  it.each([
    ['https://services.leadconnectorhq.com/files/d/abc', 'https://services.leadconnectorhq.com/files/d/abc'],
    ['http://127.0.0.1:3000/highlevel/files/d/abc', 'http://127.0.0.1:3000/highlevel/files/d/abc'],
    ['HTTPS://Host.Example/a b.png', 'https://host.example/a%20b.png'],
  ])('keeps %s (normalised)', (url, expected) => {
    expect(safeUrl(url)).toBe(expected);
  });
});
