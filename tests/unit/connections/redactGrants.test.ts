import { describe, expect, it } from 'vitest';
import { REDACTED, redactGrantLine } from '../../../src/main/features/connections/test/redactGrants';

const HASH = '*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19';

describe('SHOW GRANTS redaction', () => {
  it('removes every authentication string MariaDB and MySQL print', () => {
    const cases: Array<[string, string]> = [
      [
        `GRANT USAGE ON *.* TO \`app\`@\`%\` IDENTIFIED BY PASSWORD '${HASH}'`,
        `GRANT USAGE ON *.* TO \`app\`@\`%\` IDENTIFIED BY PASSWORD ${REDACTED}`,
      ],
      [
        "GRANT USAGE ON *.* TO `e`@`localhost` IDENTIFIED VIA ed25519 USING 'ZIgUREUg5PVgQ6LskhXmO+eZLS0nC8be6HPjYWR4YJY'",
        `GRANT USAGE ON *.* TO \`e\`@\`localhost\` IDENTIFIED VIA ed25519 USING ${REDACTED}`,
      ],
      [
        `GRANT ALL PRIVILEGES ON *.* TO \`m\`@\`%\` IDENTIFIED VIA mysql_native_password USING '${HASH}' OR unix_socket WITH GRANT OPTION`,
        `GRANT ALL PRIVILEGES ON *.* TO \`m\`@\`%\` IDENTIFIED VIA mysql_native_password USING ${REDACTED} OR unix_socket WITH GRANT OPTION`,
      ],
      [
        "CREATE USER 'c'@'%' IDENTIFIED WITH 'caching_sha2_password' AS '$A$005$abc''d\\'e' REQUIRE SUBJECT '/CN=client'",
        `CREATE USER 'c'@'%' IDENTIFIED WITH 'caching_sha2_password' AS ${REDACTED} REQUIRE SUBJECT '/CN=client'`,
      ],
      ["x IDENTIFIED VIA ed25519 USING PASSWORD('plain')", `x IDENTIFIED VIA ed25519 USING PASSWORD(${REDACTED})`],
      ['x identified by "plain"', `x identified by ${REDACTED}`],
    ];
    for (const [line, want] of cases) expect(redactGrantLine(line)).toBe(want);
  });

  it('leaves grants without a password alone', () => {
    for (const line of [
      'GRANT SELECT, INSERT ON `sysndd`.* TO `app`@`%`',
      "GRANT USAGE ON *.* TO `u`@`%` REQUIRE ISSUER '/CN=ca'",
      'GRANT `role1` TO `u`@`%`',
    ])
      expect(redactGrantLine(line)).toBe(line);
  });

  it('a quoted account name cannot move where the hash starts or ends', () => {
    // Names holding quotes and the words of the clause itself: the hash is still removed entirely.
    for (const user of ["IDENTIFIED BY 'x", "a'b", 'a``b', "USING '", "x\\'"]) {
      const quoted = `\`${user.replace(/`/g, '``')}\``;
      const out = redactGrantLine(`GRANT USAGE ON *.* TO ${quoted}@\`%\` IDENTIFIED BY PASSWORD '${HASH}'`);
      expect(out, user).not.toContain(HASH.slice(1, 12));
      expect(out, user).toContain(`IDENTIFIED BY PASSWORD ${REDACTED}`);
    }
  });
});
