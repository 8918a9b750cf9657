import net from 'node:net';

/**
 * Which addresses "Load remote images" may connect to. The fetch runs in the main process, so without this a
 * mail's `<img src>` (or a redirect it leads to) could make the app request loopback services, the intranet
 * or cloud metadata endpoints from the user's machine (SSRF). Only public unicast addresses pass.
 */
const RANGES: Array<{ cidr: string; reason: string }> = [
  { cidr: '0.0.0.0/8', reason: 'an unspecified ("this network") address' },
  { cidr: '127.0.0.0/8', reason: 'a loopback address' },
  { cidr: '10.0.0.0/8', reason: 'a private (RFC 1918) address' },
  { cidr: '172.16.0.0/12', reason: 'a private (RFC 1918) address' },
  { cidr: '192.168.0.0/16', reason: 'a private (RFC 1918) address' },
  { cidr: '169.254.0.0/16', reason: 'a link-local address' },
  { cidr: '100.64.0.0/10', reason: 'a carrier-grade NAT (RFC 6598) address' },
  { cidr: '192.0.0.0/24', reason: 'an IETF protocol assignment address' },
  { cidr: '198.18.0.0/15', reason: 'a benchmarking address' },
  { cidr: '224.0.0.0/4', reason: 'a multicast address' },
  { cidr: '240.0.0.0/4', reason: 'a reserved address' },
  { cidr: '::/128', reason: 'an unspecified address' },
  { cidr: '::1/128', reason: 'a loopback address' },
  { cidr: 'fc00::/7', reason: 'a unique-local (private) IPv6 address' },
  { cidr: 'fe80::/10', reason: 'a link-local address' },
  { cidr: 'ff00::/8', reason: 'a multicast address' },
];

const lists = RANGES.map(({ cidr, reason }) => {
  const [address, prefix] = cidr.split('/') as [string, string];
  const list = new net.BlockList();
  list.addSubnet(address, Number(prefix), net.isIPv6(address) ? 'ipv6' : 'ipv4');
  return { list, type: net.isIPv6(address) ? ('ipv6' as const) : ('ipv4' as const), reason };
});

/** IPv4 embedded in IPv6 forms a resolver or URL can produce: ::ffff:a.b.c.d, ::a.b.c.d, 64:ff9b::a.b.c.d. */
function embeddedIPv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|::|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1] as string;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return null;
  const hi = Number.parseInt(hex[1] as string, 16);
  const lo = Number.parseInt(hex[2] as string, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Why an IP address may not be fetched from, or null when it is a public unicast address. */
export function blockedAddressReason(address: string): string | null {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const family = net.isIP(bare);
  if (family === 0) return 'not an IP address';
  if (family === 6) {
    const v4 = embeddedIPv4(bare);
    if (v4) return blockedAddressReason(v4);
  }
  const type = family === 6 ? 'ipv6' : 'ipv4';
  for (const l of lists) if (l.type === type && l.list.check(bare, type)) return l.reason;
  return null;
}
