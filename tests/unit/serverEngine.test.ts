import { describe, expect, it } from 'vitest';
import { serverEngineOf } from '../../src/shared/serverEngine';

describe('serverEngineOf', () => {
  it('reads MariaDB from its version string or comment, MySQL otherwise', () => {
    expect(serverEngineOf('10.11.19-MariaDB-0+deb12u1')).toBe('mariadb');
    expect(serverEngineOf('11.4.2-MariaDB-log')).toBe('mariadb');
    expect(serverEngineOf('10.6.16', 'mariadb.org binary distribution')).toBe('mariadb');
    expect(serverEngineOf('9.7.4-2', '(Debian)')).toBe('mysql');
    expect(serverEngineOf('8.0.36')).toBe('mysql');
  });
});
