import { AppError } from '../../core/AppError';

/**
 * Turning library failures (net, ssh2, mysql2) into the stable codes of src/shared/errors.ts, each with a
 * sentence a person can act on. Everything here is pure so the mapping is unit-tested without servers.
 */

interface ErrnoLike {
  code?: string | number;
  errno?: number;
  level?: string;
  reason?: string;
  message?: string;
  sqlMessage?: string;
  fatal?: boolean;
}

function asErr(err: unknown): ErrnoLike {
  return typeof err === 'object' && err !== null ? (err as ErrnoLike) : { message: String(err) };
}

/** A TCP connect failure (SSH host, jump host or a direct MySQL host). */
export function mapSocketError(err: unknown, what: string, host: string, port: number): AppError {
  if (err instanceof AppError) return err;
  const e = asErr(err);
  const where = `${host}:${port}`;
  switch (e.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_NODATA':
    case 'EAI_FAIL':
      return new AppError('DNS_FAILED', `The ${what} name "${host}" could not be resolved. Check the spelling, VPN or DNS.`, {
        host,
        port,
      });
    case 'ECONNREFUSED':
      return new AppError(
        'HOST_UNREACHABLE',
        `Nothing accepts connections at ${where} (${what}): connection refused. Is the service running on that port?`,
        {
          host,
          port,
        },
      );
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
      return new AppError(
        'HOST_UNREACHABLE',
        `The ${what} at ${where} did not answer (${e.code}). Check the address, firewall or VPN.`,
        {
          host,
          port,
        },
      );
    case 'ECONNRESET':
    case 'EPIPE':
      return new AppError('HOST_UNREACHABLE', `The ${what} at ${where} closed the connection at once (${e.code}).`, {
        host,
        port,
      });
    default:
      return new AppError('HOST_UNREACHABLE', `Could not connect to the ${what} at ${where}: ${e.message ?? String(err)}`, {
        host,
        port,
      });
  }
}

/** An ssh2 client error during handshake or authentication, when the host key verdict was not the cause. */
export function mapSshError(
  err: unknown,
  phase: 'handshake' | 'auth',
  hop: { host: string; port: number; user: string },
): AppError {
  if (err instanceof AppError) return err;
  const e = asErr(err);
  const where = `${hop.user}@${hop.host}:${hop.port}`;
  if (e.level === 'client-authentication') {
    return new AppError(
      'SSH_AUTH_FAILED',
      `The SSH server ${where} refused every offered authentication (${e.message ?? 'failed'}). Check the user name, that the key is in authorized_keys, or the password.`,
      { host: hop.host, port: hop.port, user: hop.user },
    );
  }
  // The TCP connection was already up (the staged test proved it): a reset or silence now means the
  // service on that port is not an SSH server, or one that drops us (MaxStartups, a firewall in between).
  if (e.level === 'client-timeout' || e.level === 'client-socket') {
    const how =
      e.level === 'client-timeout'
        ? 'did not complete the SSH handshake in time'
        : `closed the connection (${e.code ?? e.message})`;
    return new AppError(
      'SSH_HANDSHAKE_FAILED',
      `${hop.host}:${hop.port} accepted TCP but ${how} during the ${phase === 'auth' ? 'login' : 'handshake'}. Is it really an SSH server on that port?`,
      {
        host: hop.host,
        port: hop.port,
      },
    );
  }
  if (phase === 'auth') {
    return new AppError('SSH_AUTH_FAILED', `The SSH login to ${where} failed: ${e.message ?? String(err)}`, {
      host: hop.host,
      port: hop.port,
      user: hop.user,
    });
  }
  return new AppError(
    'SSH_HANDSHAKE_FAILED',
    `SSH handshake with ${where} failed: ${e.message ?? String(err)}. Is it an SSH server, and do we share an algorithm?`,
    { host: hop.host, port: hop.port },
  );
}

/** ssh2 `forwardOut` failures: the SSH server could not (or may not) open the TCP connection onwards. */
export function mapForwardError(err: unknown, via: string, host: string, port: number): AppError {
  if (err instanceof AppError) return err;
  const e = asErr(err);
  const reason = `${e.reason ?? ''} ${e.message ?? ''}`.trim();
  if (/prohibited/i.test(reason)) {
    return new AppError(
      'TUNNEL_FAILED',
      `${via} does not allow TCP forwarding (${reason}). Ask for AllowTcpForwarding yes for this user.`,
      {
        host,
        port,
      },
    );
  }
  if (/No response from server|Not connected|closed/i.test(reason)) {
    return new AppError('TUNNEL_DROPPED', `The SSH connection to ${via} closed while opening a forward to ${host}:${port}.`, {
      host,
      port,
    });
  }
  return new AppError(
    'TUNNEL_FAILED',
    `${via} could not open a connection to ${host}:${port} (${reason || 'failed'}). Check the MySQL host and port as seen from the SSH host.`,
    {
      host,
      port,
    },
  );
}

/** mysql2 errors at connect time (handshake, TLS, auth). */
export function mapMysqlConnectError(
  err: unknown,
  target: { host: string; port: number; user: string; database?: string; viaSsh: boolean },
): AppError {
  if (err instanceof AppError) return err;
  const e = asErr(err);
  const account = `'${target.user}'`;
  switch (e.errno) {
    case 1045:
      return new AppError(
        'DB_AUTH_FAILED',
        `MySQL refused the password for user ${account} (${e.sqlMessage ?? e.message}). Check the saved password; a server that requires TLS answers the same way.`,
        { errno: 1045 },
      );
    case 1044:
      return new AppError(
        'DB_ACCESS_DENIED',
        `User ${account} may not use database '${target.database ?? ''}' (${e.sqlMessage ?? e.message}). Ask for GRANTs on it.`,
        {
          errno: 1044,
        },
      );
    case 1049:
      return new AppError(
        'DB_UNKNOWN_DATABASE',
        `Database '${target.database ?? ''}' does not exist on the server. Check the name or create it.`,
        {
          errno: 1049,
        },
      );
    case 3159:
      return new AppError(
        'DB_TLS_REQUIRED',
        'The server requires TLS (require_secure_transport). Set TLS to "required" or "verify" in the profile.',
        {
          errno: 3159,
        },
      );
    case 1130:
      return new AppError(
        'DB_AUTH_FAILED',
        `The server does not accept user ${account} from this client's host (${e.sqlMessage ?? e.message}). Ask for an account for the address MySQL sees.`,
        {
          errno: 1130,
        },
      );
    case 1040:
      return new AppError(
        'DB_QUERY_FAILED',
        'The server has too many connections right now (max_connections). Try again later.',
        { errno: 1040 },
      );
    case 1129:
      return new AppError(
        'DB_QUERY_FAILED',
        `The server blocked this host after too many connection errors (${e.sqlMessage ?? e.message}). An admin must run FLUSH HOSTS.`,
        {
          errno: 1129,
        },
      );
    default:
      break;
  }
  const code = String(e.code ?? '');
  if (code === 'HANDSHAKE_NO_SSL_SUPPORT') {
    return new AppError(
      'DB_TLS_FAILED',
      'The profile asks for TLS but the server does not offer it. Set TLS to "off" or enable TLS on the server.',
    );
  }
  if (code === 'HANDSHAKE_SSL_ERROR' || /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/.test(code)) {
    return new AppError(
      'DB_TLS_FAILED',
      `TLS with the MySQL server failed: ${e.message}. For "verify", give the CA file that signed the server certificate.`,
    );
  }
  if (code === 'AUTH_SWITCH_PLUGIN_ERROR' || /auth.*plugin/i.test(e.message ?? '')) {
    return new AppError(
      'DB_AUTH_FAILED',
      `The account ${account} uses an authentication plugin this client does not support (${e.message}). Use mysql_native_password.`,
    );
  }
  if (code === 'PROTOCOL_CONNECTION_LOST' || code === 'ECONNRESET' || code === 'EPIPE') {
    return target.viaSsh
      ? new AppError('TUNNEL_DROPPED', `The connection to MySQL through the SSH tunnel was lost (${code}).`)
      : new AppError('HOST_UNREACHABLE', `The MySQL server at ${target.host}:${target.port} closed the connection (${code}).`);
  }
  if (code === 'ETIMEDOUT' && !target.viaSsh) return mapSocketError(err, 'MySQL server', target.host, target.port);
  if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code))
    return mapSocketError(err, 'MySQL server', target.host, target.port);
  return new AppError('DB_QUERY_FAILED', `MySQL connection failed: ${e.message ?? String(err)}`);
}

/** A fatal mysql2 error in the middle of work: the link broke. */
export function isConnectionLost(err: unknown): boolean {
  const e = asErr(err);
  const code = String(e.code ?? '');
  return Boolean(e.fatal) || code === 'PROTOCOL_CONNECTION_LOST' || code === 'ECONNRESET' || code === 'EPIPE';
}
