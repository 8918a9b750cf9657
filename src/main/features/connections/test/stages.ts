import { StageId, type TestStage } from '../../../../shared/contract/connections';
import type { Profile } from '../../../../shared/contract/profiles';
import type { ErrorCode } from '../../../../shared/errors';

const LABELS: Record<StageId, string> = {
  'jump.tcp': 'Jump host TCP connect',
  'jump.handshake': 'Jump host handshake + host key',
  'jump.auth': 'Jump host authentication',
  'jump.forward': 'Jump host forward to SSH host',
  'ssh.tcp': 'SSH TCP connect',
  'ssh.handshake': 'SSH handshake + host key',
  'ssh.auth': 'SSH authentication',
  'ssh.forward': 'SSH forward to MySQL',
  'mysql.tcp': 'MySQL TCP connect',
  'mysql.handshake': 'MySQL handshake / TLS offer',
  'mysql.auth': 'MySQL authentication',
  'mysql.select1': 'SELECT 1',
  'mysql.version': 'Server version',
  'mysql.grants': 'Grants (SHOW GRANTS)',
  'mysql.database': 'Default database',
  'mysql.migrations': 'schema_version and pending migrations',
};

/** The contract lists the stages in the order they run: each hop's, then the database's. */
const stagesOf = (hop: 'jump' | 'ssh' | 'mysql') => StageId.options.filter((id) => id.startsWith(`${hop}.`));
const [, ...SSH_THROUGH_JUMP] = stagesOf('ssh');
const [MYSQL_TCP, ...MYSQL_AFTER_TCP] = stagesOf('mysql') as [StageId, ...StageId[]];

/** Every stage this profile will go through, in order; the runner fills them in, the rest stay skipped. */
export function planStages(profile: Profile): TestStage[] {
  // Through a jump host the SSH host is reached by the jump's forward, not by our own TCP connect.
  const connect = profile.ssh?.jump ? [...stagesOf('jump'), ...SSH_THROUGH_JUMP] : profile.ssh ? stagesOf('ssh') : [MYSQL_TCP];
  return [...connect, ...MYSQL_AFTER_TCP].map((id) => ({
    id,
    label: LABELS[id],
    status: 'skipped',
    latencyMs: null,
    detail: null,
    code: null,
    cause: null,
  }));
}

/** One line a person can act on, per failure code (the error message says what exactly was seen). */
export function causeFor(code: ErrorCode): string {
  switch (code) {
    case 'DNS_FAILED':
      return 'The host name does not resolve: check the spelling, your VPN or DNS.';
    case 'HOST_UNREACHABLE':
      return 'The host did not accept a connection: check host and port, that the service runs, and firewall or VPN.';
    case 'SSH_HANDSHAKE_FAILED':
      return 'The port answered but not as an SSH server we can talk to: check the port number.';
    case 'HOST_KEY_UNKNOWN':
      return "First contact: compare the fingerprint with the server's (ssh-keygen -lf on the server) and trust it if it matches.";
    case 'HOST_KEY_CHANGED':
      return 'The server presents a different host key than the one trusted: stop, ask the server admin whether the key was replaced, then forget the old key.';
    case 'SSH_AUTH_FAILED':
      return 'The SSH login was refused: check the SSH user, the key file (is it in authorized_keys?), passphrase or password.';
    case 'SECRET_UNAVAILABLE':
      return 'A password or passphrase this profile needs is not saved: enter it in the profile.';
    case 'TUNNEL_FAILED':
      return 'The SSH host could not reach MySQL: check the MySQL host and port as seen from the SSH host, and that TCP forwarding is allowed.';
    case 'TUNNEL_DROPPED':
      return 'The SSH connection dropped during the test: check the network and try again.';
    case 'DB_AUTH_FAILED':
      return 'MySQL refused the login: check the MySQL user and password, and that the account may connect from this host.';
    case 'DB_ACCESS_DENIED':
      return 'The login works but the user may not use this database: ask for GRANTs on it.';
    case 'DB_UNKNOWN_DATABASE':
      return 'The default database does not exist: fix its name in the profile or create the database.';
    case 'DB_TLS_REQUIRED':
      return 'The server only accepts encrypted connections: set TLS to "required" or "verify".';
    case 'DB_TLS_FAILED':
      return 'TLS could not be set up: for "verify" give the CA file that signed the server certificate; or the server has no TLS.';
    case 'TIMEOUT':
      return 'No answer in time: the port may belong to another service, or a firewall drops packets.';
    default:
      return 'See the message for details.';
  }
}

/** "SELECT, INSERT ON `sysndd`.*" style summaries of SHOW GRANTS lines. */
export function summariseGrant(line: string): string {
  const m = /^GRANT\s+(.+?)\s+ON\s+(\S+)\s+TO\s/i.exec(line);
  if (m) return `${m[1]} ON ${m[2]}`;
  const proxy = /^GRANT\s+PROXY\s+ON/i.test(line);
  if (proxy) return 'PROXY';
  const role = /^GRANT\s+(\S+)\s+TO\s/i.exec(line);
  return role ? `role ${role[1]}` : line.slice(0, 120);
}
