/**
 * What is refused before a byte of a body is read, on its own: a caller without the widget's
 * header or from a foreign page, and an upload that is not a multipart form with a boundary.
 */
import { describe, expect, it } from 'vitest';
import { REQUESTED_WITH_HEADER, REQUESTED_WITH_VALUE } from '../shared/wire.js';
import { checkCaller, checkRequest } from './check-request.js';

const OWN = 'https://app.example';
const origins = { publicOrigin: undefined, allowedOrigins: new Set(['https://crm.example']) };
const widget = { [REQUESTED_WITH_HEADER]: REQUESTED_WITH_VALUE };
const request = (headers: Record<string, string>, url = `${OWN}/api/attachments`) => new Request(url, { method: 'POST', headers });
const codeOf = (check: () => void) => {
  try {
    check();
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe('the caller', () => {
  it('needs the widget’s header with its exact value', () => {
    expect(codeOf(() => checkCaller(request({}), origins))).toBe('missing-requested-with');
    expect(codeOf(() => checkCaller(request({ [REQUESTED_WITH_HEADER]: 'XMLHttpRequest' }), origins))).toBe('missing-requested-with');
    expect(codeOf(() => checkCaller(request(widget), origins))).toBeUndefined();
  });

  it('comes from this server’s own origin, the configured public one, or an allowed one', () => {
    expect(codeOf(() => checkCaller(request({ ...widget, origin: OWN }), origins))).toBeUndefined();
    expect(codeOf(() => checkCaller(request({ ...widget, origin: 'https://crm.example' }), origins))).toBeUndefined();
    for (const origin of ['https://evil.example', 'https://app.example.evil', 'http://app.example', 'null', 'https://crm.example:8443']) {
      expect(codeOf(() => checkCaller(request({ ...widget, origin }), origins)), origin).toBe('forbidden-origin');
    }
    // Behind a proxy, the request's own URL is not what browsers see: the public origin is.
    const proxied = { ...origins, publicOrigin: 'https://public.example' };
    expect(codeOf(() => checkCaller(request({ ...widget, origin: 'https://public.example' }, 'http://10.0.0.5:3000/api'), proxied))).toBeUndefined();
    expect(codeOf(() => checkCaller(request({ ...widget, origin: 'http://10.0.0.5:3000' }, 'http://10.0.0.5:3000/api'), proxied))).toBe('forbidden-origin');
  });

  it('without an Origin, is refused only when the browser says the page is cross-site', () => {
    expect(codeOf(() => checkCaller(request({ ...widget, 'sec-fetch-site': 'cross-site' }), origins))).toBe('forbidden-origin');
    for (const site of ['same-origin', 'same-site', 'none']) {
      expect(codeOf(() => checkCaller(request({ ...widget, 'sec-fetch-site': site }), origins)), site).toBeUndefined();
    }
    // With an Origin, the Origin decides.
    expect(codeOf(() => checkCaller(request({ ...widget, origin: OWN, 'sec-fetch-site': 'cross-site' }), origins))).toBeUndefined();
  });
});

describe('an upload’s content type', () => {
  const upload = (contentType?: string) => codeOf(() => checkRequest(request(contentType === undefined ? widget : { ...widget, 'content-type': contentType }), origins));

  it('is a multipart form with a boundary, in any case and spacing', () => {
    for (const type of ['multipart/form-data; boundary=abc', 'Multipart/Form-Data; Boundary=abc', 'multipart/form-data;boundary="a b"', 'multipart/form-data; charset=utf-8; boundary=x']) {
      expect(upload(type), type).toBeUndefined();
    }
  });

  it('anything else, or a form with no parameter, is 415 not-multipart', () => {
    for (const type of [undefined, '', 'application/json', 'text/plain; boundary=abc', 'multipart/mixed; boundary=abc', 'multipart/form-data', 'multipart/form-data-x; boundary=a']) {
      expect(upload(type), String(type)).toBe('not-multipart');
    }
  });

  it('a form whose parameters are broken or name no boundary is 400 bad-request', () => {
    for (const type of ['multipart/form-data; charset=utf-8', 'multipart/form-data; boundary=', 'multipart/form-data; boundary', 'multipart/form-data; xboundary=abc', 'multipart/form-data; boundary="abc', 'Multipart/Form-Data ; boundary="abc']) {
      expect(upload(type), type).toBe('bad-request');
    }
  });

  it('is looked at only after the caller: a foreign page hears about its origin first', () => {
    expect(codeOf(() => checkRequest(request({ origin: 'https://evil.example', 'content-type': 'text/plain' }), origins))).toBe('missing-requested-with');
    expect(codeOf(() => checkRequest(request({ ...widget, origin: 'https://evil.example', 'content-type': 'text/plain' }), origins))).toBe('forbidden-origin');
  });
});
