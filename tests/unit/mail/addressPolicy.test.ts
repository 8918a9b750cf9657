import { describe, expect, it } from 'vitest';
import { blockedAddressReason } from '../../../src/main/features/mail/smtp/addressPolicy';

/** The address policy of "Load remote images": only public unicast addresses may be fetched from. */
describe('blockedAddressReason', () => {
  it.each([
    ['127.0.0.1', /loopback/],
    ['127.255.1.2', /loopback/],
    ['::1', /loopback/],
    ['[::1]', /loopback/],
    ['10.1.2.3', /private/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.168.1.10', /private/],
    ['169.254.169.254', /link-local/], // cloud metadata endpoint
    ['fe80::1', /link-local/],
    ['fe80::1%eth0', /link-local/],
    ['100.64.0.1', /carrier-grade NAT/],
    ['100.127.255.254', /carrier-grade NAT/],
    ['fc00::1', /unique-local/],
    ['fd12:3456:789a::1', /unique-local/],
    ['0.0.0.0', /unspecified/],
    ['::', /unspecified/],
    ['224.0.0.1', /multicast/],
    ['ff02::1', /multicast/],
    ['255.255.255.255', /reserved/],
    ['::ffff:127.0.0.1', /loopback/], // IPv4-mapped forms of blocked addresses
    ['::ffff:7f00:1', /loopback/],
    ['::ffff:a00:1', /private/],
    ['64:ff9b::a9fe:a9fe', /link-local/],
  ])('refuses %s', (address, reason) => {
    expect(blockedAddressReason(address)).toMatch(reason);
  });

  it.each([
    '93.184.215.14',
    '8.8.8.8',
    '172.15.255.255', // just outside 172.16/12
    '172.32.0.1',
    '100.63.255.255', // just outside 100.64/10
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
  ])('allows the public address %s', (address) => {
    expect(blockedAddressReason(address)).toBeNull();
  });

  it('says a host name is not an address (names are checked after resolution)', () => {
    expect(blockedAddressReason('localhost')).toBe('not an IP address');
  });
});
