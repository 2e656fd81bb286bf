import { describe, expect, it } from 'vitest';
import { attachClientAddress, clientAddressOf, normalizeAddress } from './client-address.js';

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

  it('drops a port a proxy appends, so that one client is one key however many connections it opens', () => {
    const proxy = { trustedProxies: 1, clientAddress: undefined };
    expect(clientAddressOf(request('203.0.113.7:40001', '10.0.0.2'), proxy)).toBe('203.0.113.7');
    expect(clientAddressOf(request('203.0.113.7:40002', '10.0.0.2'), proxy)).toBe('203.0.113.7');
    expect(clientAddressOf(request('[2001:db8:0:1::5]:443', '10.0.0.2'), proxy)).toBe('2001:db8:0:1::/64');
  });

  it('takes the connection’s address where the entry it would trust is no address', () => {
    const proxy = { trustedProxies: 1, clientAddress: undefined };
    for (const entry of ['unknown', 'for=1.2.3.4', 'a-random-token', '999.1.1.1', '1.2.3.4.5']) {
      expect(clientAddressOf(request(entry, '10.0.0.2'), proxy), entry).toBe('10.0.0.2');
    }
  });

  it('reads an IPv4-mapped address in its hex spelling as the IPv4 address it is', () => {
    expect(clientAddressOf(request(undefined, '::ffff:cb00:7107'), direct)).toBe('203.0.113.7');
    expect(clientAddressOf(request(undefined, '::FFFF:203.0.113.7'), direct)).toBe('203.0.113.7');
  });
});


describe('normalizeAddress', () => {
  it('spells one IPv6 host one way: zeros filled in, leading zeros dropped, by its /64', () => {
    for (const [address, key] of [
      ['2001:db8::5', '2001:db8:0:0::/64'],
      ['2001:db8:1:2::', '2001:db8:1:2::/64'],
      ['2001::', '2001:0:0:0::/64'],
      ['::', '0:0:0:0::/64'],
      ['2001:0db8:00a0:0001:0:0:0:1', '2001:db8:a0:1::/64'],
      ['2001:0db8:0000:0001:1:2:3:4', '2001:db8:0:1::/64'],
      ['2001:db8:0:1:2:3:4:5', '2001:db8:0:1::/64'],
      ['  2001:DB8::1  ', '2001:db8:0:0::/64'],
    ] as const) {
      expect(normalizeAddress(address), address).toBe(key);
    }
  });

  it('reads an IPv4-mapped address, however written, as the IPv4 address; a near miss stays IPv6', () => {
    for (const address of ['::ffff:1.22.3.44', '0:0:0:0:0:ffff:1.22.3.44', '0::ffff:1.22.3.44', '0:0:0:0:0:ffff:116:32c', '::ffff:0116:032c', '[::ffff:1.22.3.44]:443']) {
      expect(normalizeAddress(address), address).toBe('1.22.3.44');
    }
    expect(normalizeAddress('::ffff:1.2.3.4%eth0')).toBe('1.2.3.4');
    for (const [address, key] of [
      ['1::ffff:1.2.3.4', '1:0:0:0::/64'],
      ['::1:ffff:1.2.3.4', '0:0:0:0::/64'],
      ['::fffe:1.2.3.4', '0:0:0:0::/64'],
    ] as const) {
      expect(normalizeAddress(address), address).toBe(key);
    }
  });

  it('drops a zone, and a port only where it is one: after a bracketed IPv6 or a whole IPv4', () => {
    expect(normalizeAddress('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(normalizeAddress('[2001:db8::1]')).toBe('2001:db8:0:0::/64');
    expect(normalizeAddress('[2001:db8::1]:8080')).toBe('2001:db8:0:0::/64');
    expect(normalizeAddress(' 203.0.113.5 ')).toBe('203.0.113.5');
    expect(normalizeAddress('203.0.113.5:80')).toBe('203.0.113.5');
    for (const garbage of ['x[::1]', '[::1]:443x', '[::1]:123456', '203.0.113.5:80x', '203.0.113.5:123456', 'x203.0.113.5:80', '', 'unknown']) {
      expect(normalizeAddress(garbage), garbage).toBeUndefined();
    }
  });
});

describe('clientAddressOf behind proxies, at the edges', () => {
  it('skips empty entries of X-Forwarded-For, spaced or not, before counting from the right', () => {
    const two = { trustedProxies: 2, clientAddress: undefined };
    expect(clientAddressOf(request('203.0.113.7,,198.51.100.7', '10.0.0.2'), two)).toBe('203.0.113.7');
    expect(clientAddressOf(request('203.0.113.7, ,198.51.100.7', '10.0.0.2'), two)).toBe('203.0.113.7');
  });

  it('without a socket address, counts the header’s entries alone', () => {
    expect(clientAddressOf(request('1.1.1.1, 198.51.100.7'), { trustedProxies: 1, clientAddress: undefined })).toBe('1.1.1.1');
  });

  it('is unknown with neither a header nor a socket, and the lookup’s answer is taken trimmed', () => {
    expect(clientAddressOf(request(), { trustedProxies: 1, clientAddress: undefined })).toBeUndefined();
    expect(clientAddressOf(request(undefined, '10.0.0.9'), { trustedProxies: 0, clientAddress: () => ' 203.0.113.5 ' })).toBe('203.0.113.5');
  });
});
