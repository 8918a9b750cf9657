import type tls from 'node:tls';
import type { TlsDetails } from '../../../../shared/contract/mail';

type Dn = Record<string, string | string[] | undefined> | undefined;

function formatDn(dn: Dn): string | null {
  if (!dn) return null;
  const parts = ['CN', 'O', 'OU', 'L', 'ST', 'C']
    .filter((k) => dn[k] !== undefined)
    .map((k) => `${k}=${([] as string[]).concat(dn[k] as string | string[]).join('+')}`);
  return parts.length ? parts.join(', ') : null;
}

/**
 * What the report shows about a TLS session: protocol, cipher, certificate subject, issuer, validity and
 * whether it verified. The handshake runs with verification deferred so a bad certificate can be described
 * instead of just aborting; the caller decides whether an unverified session may continue.
 */
export function tlsDetailsOf(socket: tls.TLSSocket, now = Date.now()): TlsDetails {
  const cert = socket.getPeerCertificate(false) as tls.PeerCertificate | Record<string, never>;
  const hasCert = cert && Object.keys(cert).length > 0;
  const validTo = hasCert && 'valid_to' in cert ? new Date(cert.valid_to) : null;
  const authError = socket.authorizationError;
  return {
    protocol: socket.getProtocol() ?? null,
    cipher: socket.getCipher()?.standardName ?? socket.getCipher()?.name ?? null,
    subject: hasCert && 'subject' in cert ? formatDn(cert.subject as unknown as Dn) : null,
    issuer: hasCert && 'issuer' in cert ? formatDn(cert.issuer as unknown as Dn) : null,
    altNames: hasCert && 'subjectaltname' in cert ? (cert.subjectaltname ?? null) : null,
    validFrom: hasCert && 'valid_from' in cert ? new Date(cert.valid_from).toISOString() : null,
    validTo: validTo && !Number.isNaN(validTo.getTime()) ? validTo.toISOString() : null,
    daysLeft: validTo && !Number.isNaN(validTo.getTime()) ? Math.floor((validTo.getTime() - now) / 86_400_000) : null,
    fingerprint256: hasCert && 'fingerprint256' in cert ? cert.fingerprint256 : null,
    verified: socket.authorized,
    verifyError: socket.authorized ? null : authError ? String(authError) : 'not verified',
  };
}

/** One line for the stage summary: "TLSv1.3, TLS_AES_256_GCM_SHA384, CN=mail.example.org, verified". */
export function summarizeTls(d: TlsDetails): string {
  const parts = [d.protocol ?? 'TLS', d.cipher, d.subject ? `certificate ${d.subject}` : 'no certificate'];
  if (d.daysLeft !== null) parts.push(d.daysLeft < 0 ? `expired ${-d.daysLeft} days ago` : `expires in ${d.daysLeft} days`);
  parts.push(d.verified ? 'verified' : `NOT verified (${d.verifyError})`);
  return parts.filter(Boolean).join(', ');
}
