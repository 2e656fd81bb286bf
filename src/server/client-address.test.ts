import { describe, expect, it } from 'vitest';
import { attachClientAddress, clientAddressOf } from './client-address.js';

function request(forwardedFor?: string, socket?: string): Request {
  const made = new Request('http://127.0.0.1/api', { headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor } });
  attachClientAddress(made, socket);
  return made;
}

const direct = { trustedProxies: 0, clientAddress: undefined };

describe('clientAddressOf', () => {
  it('is the socket address, and never the header a client writes, without a trusted proxy', () => {
    expect(clientAddressOf(request('6.6.6.6', '10.0.0.9'), direct)).toBe('10.0.0.9');
  });

  it('is unknown on a server without a socket or a lookup, so that no shared bucket exists', () => {
    expect(clientAddressOf(request('6.6.6.6'), direct)).toBeUndefined();
  });

  it("takes the host's own lookup first", () => {
    expect(clientAddressOf(request(undefined, '10.0.0.9'), { trustedProxies: 0, clientAddress: () => '203.0.113.5' })).toBe('203.0.113.5');
  });

  it('behind one trusted proxy, is the entry that proxy appended, not what the client forged before it', () => {
    // The client sent "X-Forwarded-For: 1.1.1.1"; the proxy appended the address it saw.
    expect(clientAddressOf(request('1.1.1.1, 198.51.100.7', '10.0.0.2'), { trustedProxies: 1, clientAddress: undefined })).toBe('198.51.100.7');
  });

  it('behind two trusted proxies, skips both', () => {
    expect(clientAddressOf(request('1.1.1.1, 198.51.100.7, 10.0.0.3', '10.0.0.2'), { trustedProxies: 2, clientAddress: undefined })).toBe('198.51.100.7');
  });

  it('with fewer entries than proxies, is the leftmost there is', () => {
    expect(clientAddressOf(request(undefined, '10.0.0.2'), { trustedProxies: 3, clientAddress: undefined })).toBe('10.0.0.2');
  });

  it('counts an IPv4-mapped address as IPv4, and IPv6 by its /64', () => {
    expect(clientAddressOf(request(undefined, '::ffff:192.0.2.1'), direct)).toBe('192.0.2.1');
    expect(clientAddressOf(request(undefined, '2001:db8:0:1::5'), direct)).toBe('2001:db8:0:1::/64');
    expect(clientAddressOf(request(undefined, '2001:db8:0:1:ffff:1:2:3'), direct)).toBe('2001:db8:0:1::/64');
    expect(clientAddressOf(request(undefined, '::1'), direct)).toBe('0:0:0:0::/64');
  });
});
