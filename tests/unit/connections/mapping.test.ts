import { describe, expect, it } from 'vitest';
import { mapMysqlConnectError, mapSocketError, mapSshError } from '../../../src/main/features/connections/errors';
import { parseGreeting } from '../../../src/main/features/connections/mysql/greeting';
import { causeFor, planStages, summariseGrant } from '../../../src/main/features/connections/test/stages';
import { Profile } from '../../../src/shared/contract/profiles';

const target = { host: 'db', port: 3306, user: 'app', database: 'sysndd', viaSsh: true };
const mysqlErr = (errno: number, code = '') =>
  Object.assign(new Error(`err ${errno}`), { errno, code, sqlMessage: `msg ${errno}` });

describe('error mapping to stable codes', () => {
  it('maps MySQL server errors by number', () => {
    expect(mapMysqlConnectError(mysqlErr(1045), target).code).toBe('DB_AUTH_FAILED');
    expect(mapMysqlConnectError(mysqlErr(1044), target).code).toBe('DB_ACCESS_DENIED');
    expect(mapMysqlConnectError(mysqlErr(1049), target).code).toBe('DB_UNKNOWN_DATABASE');
    expect(mapMysqlConnectError(mysqlErr(3159), target).code).toBe('DB_TLS_REQUIRED');
    expect(mapMysqlConnectError(mysqlErr(1130), target).code).toBe('DB_AUTH_FAILED');
    expect(mapMysqlConnectError(mysqlErr(1049), target).message).toContain("'sysndd'");
  });

  it('maps driver and socket failures, telling a dropped tunnel from an unreachable server', () => {
    const lost = Object.assign(new Error('lost'), { code: 'PROTOCOL_CONNECTION_LOST', fatal: true });
    expect(mapMysqlConnectError(lost, target).code).toBe('TUNNEL_DROPPED');
    expect(mapMysqlConnectError(lost, { ...target, viaSsh: false }).code).toBe('HOST_UNREACHABLE');
    expect(mapMysqlConnectError(Object.assign(new Error('x'), { code: 'HANDSHAKE_NO_SSL_SUPPORT' }), target).code).toBe(
      'DB_TLS_FAILED',
    );
    expect(mapMysqlConnectError(Object.assign(new Error('self-signed'), { code: 'HANDSHAKE_SSL_ERROR' }), target).code).toBe(
      'DB_TLS_FAILED',
    );
    expect(
      mapMysqlConnectError(Object.assign(new Error('client_ed25519'), { code: 'AUTH_SWITCH_PLUGIN_ERROR' }), target).code,
    ).toBe('DB_AUTH_FAILED');
    expect(mapSocketError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }), 'SSH server', 'nowhere', 22).code).toBe(
      'DNS_FAILED',
    );
    expect(mapSocketError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), 'SSH server', 'h', 22).message).toContain(
      'refused',
    );
    expect(mapSocketError(Object.assign(new Error('x'), { code: 'ETIMEDOUT' }), 'SSH server', 'h', 22).code).toBe(
      'HOST_UNREACHABLE',
    );
  });

  it('maps ssh2 client error levels', () => {
    const hop = { host: 'h', port: 22, user: 'u' };
    expect(
      mapSshError(
        Object.assign(new Error('All configured authentication methods failed'), { level: 'client-authentication' }),
        'auth',
        hop,
      ).code,
    ).toBe('SSH_AUTH_FAILED');
    expect(mapSshError(Object.assign(new Error('Timed out'), { level: 'client-timeout' }), 'handshake', hop).code).toBe(
      'SSH_HANDSHAKE_FAILED',
    );
    expect(mapSshError(Object.assign(new Error('bad ident'), { level: 'protocol' }), 'handshake', hop).code).toBe(
      'SSH_HANDSHAKE_FAILED',
    );
    // A reset after TCP was up is a handshake problem (not SSH there, or dropped), never "wrong password".
    const reset = Object.assign(new Error('read ECONNRESET'), { level: 'client-socket', code: 'ECONNRESET' });
    expect(mapSshError(reset, 'auth', hop).code).toBe('SSH_HANDSHAKE_FAILED');
  });
});

describe('MySQL greeting parser', () => {
  function greeting(version: string, caps: number): Buffer {
    return Buffer.concat([
      Buffer.from([10]),
      Buffer.from(`${version}\0`),
      Buffer.from([7, 0, 0, 0]),
      Buffer.alloc(8, 1),
      Buffer.from([0]),
      Buffer.from([caps & 0xff, caps >> 8]),
    ]);
  }
  it('reads the version, connection id and TLS capability', () => {
    expect(parseGreeting(greeting('5.5.5-10.11.6-MariaDB', 0xffff))).toEqual({
      protocol: 10,
      serverVersion: '10.11.6-MariaDB',
      connectionId: 7,
      tlsOffered: true,
    });
    expect(parseGreeting(greeting('8.0.36', 0xf7ff)).tlsOffered).toBe(false);
  });
  it('throws the server error packet (host blocked, too many connections)', () => {
    const err = Buffer.concat([Buffer.from([0xff, 0x69, 0x04]), Buffer.from('#HY000Host is blocked')]);
    expect(() => parseGreeting(err)).toThrow(expect.objectContaining({ errno: 1129, message: 'Host is blocked' }));
    expect(mapMysqlConnectError(Object.assign(new Error('x'), { errno: 1129 }), target).message).toContain('FLUSH HOSTS');
    expect(() => parseGreeting(Buffer.from([9, 0]))).toThrow(/protocol 9/);
  });
});

describe('staged test plan', () => {
  const base = { id: 'p', name: 'p', createdAt: 'x', updatedAt: 'x', mysql: { user: 'u' } };
  it('lists the stages for direct, SSH and jump-host profiles', () => {
    expect(planStages(Profile.parse(base)).map((s) => s.id)[0]).toBe('mysql.tcp');
    const ssh = Profile.parse({ ...base, ssh: { host: 'b', user: 'u' } });
    expect(
      planStages(ssh)
        .map((s) => s.id)
        .slice(0, 4),
    ).toEqual(['ssh.tcp', 'ssh.handshake', 'ssh.auth', 'ssh.forward']);
    const jump = Profile.parse({ ...base, ssh: { host: 'b', user: 'u', jump: { host: 'j', user: 'u' } } });
    expect(planStages(jump)).toHaveLength(14);
    expect(planStages(jump).every((s) => s.status === 'skipped')).toBe(true);
  });
  it('gives an actionable cause per code and summarises grants', () => {
    expect(causeFor('HOST_KEY_CHANGED')).toMatch(/forget the old key/);
    expect(causeFor('DB_TLS_REQUIRED')).toMatch(/required/);
    expect(summariseGrant('GRANT SELECT, INSERT ON `sysndd`.* TO `app`@`%`')).toBe('SELECT, INSERT ON `sysndd`.*');
    expect(summariseGrant('GRANT `reader` TO `app`@`%`')).toBe('role `reader`');
  });
});
