import { createHash } from 'node:crypto';

/**
 * SSH host key helpers. A host key reaches us as its wire-format blob (string key type, then the
 * type-specific fields); OpenSSH shows it as `SHA256:` + unpadded base64 of the blob's SHA-256, and so do we,
 * so a person can compare our dialog with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the server.
 */
export function fingerprintOf(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type named inside the blob (`ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, …). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  if (len <= 0 || len > 64 || blob.length < 4 + len) return 'unknown';
  return blob.subarray(4, 4 + len).toString('ascii');
}

/** A short human name for the key type, as OpenSSH prints it (`ED25519`, `ECDSA`, `RSA`). */
export function keyTypeLabel(keyType: string): string {
  if (keyType.includes('ed25519')) return 'ED25519';
  if (keyType.startsWith('ecdsa')) return 'ECDSA';
  if (keyType.includes('rsa')) return 'RSA';
  if (keyType.includes('dss')) return 'DSA';
  return keyType.toUpperCase();
}

/** Host names are compared case-insensitively, like OpenSSH does. */
export function normaliseHost(host: string): string {
  return host.trim().toLowerCase();
}
