import { describe, expect, it } from 'vitest';
import { parseContentType } from './content-type.js';

describe('parseContentType', () => {
  it('reads the media type in lower case and its parameters, quoted or not', () => {
    expect(parseContentType('Multipart/Form-Data; Boundary="a b;c"')).toEqual({ type: 'multipart/form-data', parameters: { boundary: 'a b;c' } });
    expect(parseContentType('multipart/form-data; boundary=----WebKitFormBoundaryx7')).toEqual({
      type: 'multipart/form-data',
      parameters: { boundary: '----WebKitFormBoundaryx7' },
    });
  });

  it('matches a parameter by its whole name: xboundary is not boundary', () => {
    expect(parseContentType('multipart/form-data; xboundary=short; boundary=long-one')?.parameters.boundary).toBe('long-one');
    expect(parseContentType('multipart/form-data; xboundary=short')?.parameters.boundary).toBeUndefined();
  });

  it('is undefined for a header that does not parse, or none', () => {
    expect(parseContentType('multipart/form-data; boundary=')).toBeUndefined();
    expect(parseContentType('not a type')).toBeUndefined();
    expect(parseContentType('')).toBeUndefined();
    expect(parseContentType(null)).toBeUndefined();
  });
});
