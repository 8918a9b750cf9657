import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIdentity } from '../../../src/main/features/backups/age/ageKeys';
import { createTestDatabase, mysqlInfo, rootConnection, type TestDatabase } from '../../fixtures/mysql';
import { TEST_LOCK_TIMEOUT_SECONDS } from '../restore/restoreHelpers';
import { cli } from './cliRun';
import { buildFixtureDb, checksums } from './fixtureDb';

/**
 * The CLI's keys for encrypted backups: `backup verify --test-restore --identity PATH`, `restore FILE
 * --identity PATH`, and the passphrase from SYSNDD_ADMIN_BACKUP_PASSPHRASE (never argv). A wrong key is
 * BACKUP_DECRYPT_FAILED and writes nothing.
 */
describe('CLI: encrypted backups opened with --identity / the passphrase env', () => {
  let source: TestDatabase;
  let target: TestDatabase;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bk-cli-age-'));
  const home = path.join(dir, 'home');
  const idFile = path.join(dir, 'key.txt');
  const wrongFile = path.join(dir, 'wrong.txt');
  let recipient: string;
  let file: string;
  const lock = ['--lock-timeout', String(TEST_LOCK_TIMEOUT_SECONDS)];

  beforeAll(async () => {
    [source, target] = await Promise.all([createTestDatabase('bk_cli_age'), createTestDatabase('bk_cli_age_to')]);
    await buildFixtureDb(source.name);
    const id = generateIdentity();
    recipient = id.recipient;
    fs.writeFileSync(idFile, id.text, { mode: 0o600 });
    fs.writeFileSync(wrongFile, generateIdentity().text, { mode: 0o600 });
    const m = mysqlInfo();
    process.env.MYSQL_PWD = m.password;
    const add = await cli(
      [
        'profile',
        'add',
        'enc',
        '--mysql-host',
        m.host,
        '--mysql-port',
        String(m.port),
        '--mysql-user',
        m.user,
        '--database',
        source.name,
      ],
      home,
    );
    expect(add.code, add.err).toBe(0);
    const made = await cli(['--json', 'backup', 'create', '--profile', 'enc', '--encrypt-to', recipient], home);
    expect(made.code, made.err).toBe(0);
    file = made.json<{ path: string }>().path;
  });

  afterAll(async () => {
    delete process.env.MYSQL_PWD;
    delete process.env.SYSNDD_ADMIN_BACKUP_PASSPHRASE;
    await Promise.all([source?.drop(), target?.drop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const tablesIn = async (db: string): Promise<number> => {
    const root = await rootConnection();
    try {
      const [r] = await root.query('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [db]);
      return Number((r as Array<{ n: number }>)[0]?.n);
    } finally {
      await root.end();
    }
  };

  it('`backup verify NAME --test-restore --identity PATH`: matched; a wrong identity exits 1 with BACKUP_DECRYPT_FAILED', async () => {
    const name = path.basename(file);
    const bad = await cli(
      ['--json', 'backup', 'verify', name, '--profile', 'enc', '--test-restore', '--identity', wrongFile],
      home,
    );
    expect(bad.code).toBe(1);
    expect(bad.json()).toMatchObject({ ok: false, code: 'BACKUP_DECRYPT_FAILED' });
    const ok = await cli(['--json', 'backup', 'verify', name, '--profile', 'enc', '--test-restore', '--identity', idFile], home);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.json()).toMatchObject({ ok: true, level: 'restore', encrypted: true, scratch: { mismatches: [] } });
  });

  it('`restore FILE --identity PATH`: a wrong identity writes nothing; the right one restores equal CHECKSUM TABLE', async () => {
    const url = `mysql://${mysqlInfo().user}@${mysqlInfo().host}:${mysqlInfo().port}/${target.name}`;
    const bad = await cli(
      ['--json', 'restore', file, '--url', url, '--identity', wrongFile, '--confirm', 'RESTORE', ...lock],
      home,
    );
    expect(bad.code).not.toBe(0);
    expect(bad.out + bad.err).toContain('BACKUP_DECRYPT_FAILED');
    expect(await tablesIn(target.name)).toBe(0);
    const missing = await cli(['--json', 'restore', file, '--url', url, '--confirm', 'RESTORE', ...lock], home);
    expect(missing.code).not.toBe(0);
    expect(missing.out + missing.err).toContain('BACKUP_KEY_REQUIRED');

    const r = await cli(['--json', 'restore', file, '--url', url, '--identity', idFile, '--confirm', 'RESTORE', ...lock], home);
    expect(r.code, `${r.err} ${r.out}`).toBe(0);
    const root = await rootConnection();
    try {
      expect(await checksums(root, target.name)).toEqual(await checksums(root, source.name));
    } finally {
      await root.end();
    }
  });

  it('a passphrase from SYSNDD_ADMIN_BACKUP_PASSPHRASE: create and test restore; a wrong one fails by name', async () => {
    process.env.SYSNDD_ADMIN_BACKUP_PASSPHRASE = 'cli-env-passphrase-42';
    const made = await cli(['--json', 'backup', 'create', '--profile', 'enc', '--encrypt-passphrase', '--label', 'pw'], home);
    expect(made.code, made.err).toBe(0);
    const name = path.basename(made.json<{ path: string }>().path);
    const ok = await cli(['--json', 'backup', 'verify', name, '--profile', 'enc', '--test-restore'], home);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.json()).toMatchObject({ ok: true, level: 'restore', encrypted: true });
    process.env.SYSNDD_ADMIN_BACKUP_PASSPHRASE = 'not-the-passphrase';
    const bad = await cli(['--json', 'backup', 'verify', name, '--profile', 'enc', '--test-restore'], home);
    expect(bad.code).toBe(1);
    expect(bad.json()).toMatchObject({ ok: false, code: 'BACKUP_DECRYPT_FAILED' });
  });
  it("the profile's default encryption: `profile edit --backup-encrypt` keys / passphrase / off; `backup create` follows it unless --plain", async () => {
    delete process.env.SYSNDD_ADMIN_BACKUP_PASSPHRASE;
    const bad = await cli(['profile', 'edit', 'enc', '--backup-encrypt', 'not-a-key'], home);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('INVALID_ARGUMENT');

    const set = await cli(['profile', 'edit', 'enc', '--backup-encrypt', recipient], home);
    expect(set.code, set.err).toBe(0);
    expect((await cli(['profile', 'show', 'enc'], home)).out).toContain(`encrypt:   age to ${recipient}`);
    const byDefault = await cli(['--json', 'backup', 'create', '--profile', 'enc', '--label', 'dflt'], home);
    expect(byDefault.code, byDefault.err).toBe(0);
    const encrypted = byDefault.json<{ path: string }>().path;
    expect(encrypted).toMatch(/_dflt\.sql\.gz\.age$/);
    const check = await cli(['--json', 'backup', 'verify', encrypted, '--identity', idFile], home);
    expect(check.json()).toMatchObject({ ok: true, encrypted: true });
    const plain = await cli(['--json', 'backup', 'create', '--profile', 'enc', '--label', 'plain', '--plain'], home);
    expect(plain.code, plain.err).toBe(0);
    expect(plain.json<{ path: string }>().path).toMatch(/_plain\.sql\.gz$/);

    expect((await cli(['profile', 'edit', 'enc', '--backup-encrypt', 'passphrase'], home)).code).toBe(0);
    const noPass = await cli(['--json', 'backup', 'create', '--profile', 'enc', '--label', 'nopass'], home);
    expect(noPass.code).not.toBe(0);
    expect(noPass.json()).toMatchObject({ ok: false, code: 'BACKUP_KEY_REQUIRED' });
    process.env.SYSNDD_ADMIN_BACKUP_PASSPHRASE = 'profile-default-passphrase';
    const withPass = await cli(['--json', 'backup', 'create', '--profile', 'enc', '--label', 'pass'], home);
    expect(withPass.code, withPass.err).toBe(0);
    expect(withPass.json<{ path: string }>().path).toMatch(/_pass\.sql\.gz\.age$/);

    expect((await cli(['profile', 'edit', 'enc', '--backup-encrypt', 'off'], home)).code).toBe(0);
    expect((await cli(['profile', 'show', 'enc'], home)).out).not.toContain('encrypt:');
    const off = await cli(['--json', 'backup', 'create', '--profile', 'enc', '--label', 'off'], home);
    expect(off.json<{ path: string }>().path).toMatch(/_off\.sql\.gz$/);
  });
});
