import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateIdentity, parseIdentityFile } from '../../../src/main/features/backups/age/ageKeys';
import { registerBackupKeys } from '../../../src/main/features/backups/age/keyRegistry';
import type { CreateBackupResult, JobSnapshot, VerifyResult } from '../../../src/shared/contract/index';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { createProfileForTestDb, createTestDatabase, mysqlInfo, rootConnection, type TestDatabase } from '../../fixtures/mysql';
import { buildFixtureDb, checksums } from './fixtureDb';

async function finished(t: TestApp, job: JobSnapshot): Promise<JobSnapshot> {
  return t.ok('jobs.wait', { id: job.id, timeoutMs: 120_000 });
}

/** `age -d -i KEY FILE | gunzip | mariadb DB`, as a person without the console would (password via a 0600 cnf). */
async function ageGunzipClient(file: string, identity: string, database: string): Promise<void> {
  const info = mysqlInfo();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bk-age-cnf-'));
  const cnf = path.join(dir, 'client.cnf');
  fs.writeFileSync(
    cnf,
    `[client]\nhost=${info.host}\nport=${info.port}\nuser=${info.rootUser}\npassword=${info.rootPassword}\nprotocol=TCP\n`,
    {
      mode: 0o600,
    },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      const age = spawn('age', ['-d', '-i', identity, file], { stdio: ['ignore', 'pipe', 'inherit'] });
      const gunzip = spawn('gunzip', ['-c'], { stdio: ['pipe', 'pipe', 'inherit'] });
      const { command, args } = info.clients.mysql;
      const client = spawn(command, [...args, `--defaults-extra-file=${cnf}`, '--max-allowed-packet=64M', database], {
        stdio: ['pipe', 'ignore', 'pipe'],
      });
      age.stdout.pipe(gunzip.stdin);
      gunzip.stdout.pipe(client.stdin);
      let err = '';
      client.stderr.on('data', (d: Buffer) => (err += d.toString()));
      age.on('close', (code) => code !== 0 && reject(new Error(`age exited ${code}`)));
      client.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`client exited ${code}: ${err}`))));
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('encrypted backups (age) on real MariaDB', () => {
  let t: TestApp;
  let source: TestDatabase;
  let byAge: TestDatabase;
  let byUs: TestDatabase;
  let profileId: string;
  let file: string;
  let idFile: string;
  let home: string;
  let created: CreateBackupResult;

  beforeAll(async () => {
    [source, byAge, byUs] = await Promise.all([
      createTestDatabase('bk_age_src'),
      createTestDatabase('bk_age_plain'),
      createTestDatabase('bk_age_ours'),
    ]);
    await buildFixtureDb(source.name);
    t = createTestApp();
    home = t.home;
    profileId = (await createProfileForTestDb(t, source.name)).id;
    const id = generateIdentity();
    idFile = path.join(home, 'backup-key.txt');
    fs.writeFileSync(idFile, id.text, { mode: 0o600 });
    const job = await finished(
      t,
      await t.ok('backups.create', { profileId, options: { encrypt: { recipients: [id.recipient] } } }),
    );
    expect(job.state, job.error?.message).toBe('succeeded');
    created = job.result as CreateBackupResult;
    file = created.path;
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all([source?.drop(), byAge?.drop(), byUs?.drop()]);
  });

  const sameAsSource = async (db: string): Promise<void> => {
    const root = await rootConnection();
    try {
      expect(await checksums(root, db)).toEqual(await checksums(root, source.name));
    } finally {
      await root.end();
    }
  };

  it('writes NAME.sql.gz.age in the age format: no plaintext on disk, the catalog marks it encrypted', async () => {
    expect(file).toMatch(/\.sql\.gz\.age$/);
    const bytes = fs.readFileSync(file);
    expect(bytes.subarray(0, 22).toString()).toBe('age-encryption.org/v1\n');
    expect(bytes.includes('SYSNDD-ADMIN')).toBe(false);
    expect(fs.readdirSync(path.dirname(file)).filter((n) => n.endsWith('.partial'))).toEqual([]);
    const list = await t.ok('backups.list', { profileId, refreshRemote: false });
    // Described at creation (the writer knew the manifest): tables, rows and seal without the key.
    expect(list.entries.find((e) => e.localPath === file)).toMatchObject({
      encrypted: true,
      format: 'sysndd-admin',
      status: 'complete',
      tableCount: created.tables,
      rowCount: created.rows,
      database: source.name,
      seal: { state: 'sealed' },
      verified: null,
    });
    expect(created.tables).toBeGreaterThan(0);
  });

  const verifySchemas = async (): Promise<unknown[]> => {
    const root = await rootConnection();
    try {
      const [rows] = await root.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?', [
        `${source.name}__verify_%`,
      ]);
      return rows as unknown[];
    } finally {
      await root.end();
    }
  };

  it('a test restore of the encrypted backup with its identity matches; a wrong identity fails by name and writes nothing', async () => {
    const name = path.basename(file);
    const wrong = await finished(
      t,
      await t.ok('backups.verify', { profileId, name, scratchRestore: true, decrypt: { identityFile: wrongKey(home) } }),
    );
    expect(wrong.error?.code).toBe('BACKUP_DECRYPT_FAILED');
    expect(await verifySchemas()).toEqual([]);
    const none = await finished(t, await t.ok('backups.verify', { profileId, name, scratchRestore: true }));
    expect(none.error?.code).toBe('BACKUP_KEY_REQUIRED');

    const job = await finished(
      t,
      await t.ok('backups.verify', { profileId, name, scratchRestore: true, decrypt: { identityFile: idFile } }),
    );
    expect(job.state, `${job.error?.code} ${job.error?.message}`).toBe('succeeded');
    const r = job.result as VerifyResult;
    expect(r).toMatchObject({ ok: true, level: 'restore', encrypted: true, seal: { state: 'sealed' } });
    expect(r.scratch?.mismatches).toEqual([]);
    expect(r.scratch?.tablesCompared).toBeGreaterThan(0);
    expect(await verifySchemas()).toEqual([]);
    const list = await t.ok('backups.list', { profileId, refreshRemote: false });
    expect(list.entries.find((e) => e.localPath === file)?.verified).toMatchObject({ ok: true, level: 'restore' });
  });

  it("Debian's age decrypts it and the plain mariadb client restores it: equal CHECKSUM TABLE", async () => {
    await ageGunzipClient(file, idFile, byAge.name);
    await sameAsSource(byAge.name);
  });

  it('verify with the identity: every member checks out, sealed; without a key or with a wrong one: named errors', async () => {
    const ok = await finished(t, await t.ok('backups.verify', { path: file, decrypt: { identityFile: idFile } }));
    expect(ok.state, ok.error?.message).toBe('succeeded');
    expect(ok.result as VerifyResult).toMatchObject({ ok: true, encrypted: true, seal: { state: 'sealed' } });

    const none = await finished(t, await t.ok('backups.verify', { path: file }));
    expect(none.error?.code).toBe('BACKUP_KEY_REQUIRED');
    const wrongId = path.join(home, 'wrong-key.txt');
    fs.writeFileSync(wrongId, generateIdentity().text, { mode: 0o600 });
    const wrong = await finished(t, await t.ok('backups.verify', { path: file, decrypt: { identityFile: wrongId } }));
    expect(wrong.error?.code).toBe('BACKUP_DECRYPT_FAILED');
  });

  it('a passphrase-encrypted backup: right passphrase verifies, a wrong one is BACKUP_DECRYPT_FAILED and leaks nowhere', async () => {
    const pass = 'planted-passphrase-7f3a9c';
    const job = await finished(
      t,
      await t.ok('backups.create', { profileId, options: { encrypt: { passphrase: pass }, label: 'pw' } }),
    );
    expect(job.state, job.error?.message).toBe('succeeded');
    const pw = (job.result as CreateBackupResult).path;
    const ok = await finished(t, await t.ok('backups.verify', { path: pw, decrypt: { passphrase: pass } }));
    expect(ok.state, ok.error?.message).toBe('succeeded');
    const bad = await finished(t, await t.ok('backups.verify', { path: pw, decrypt: { passphrase: 'not-the-passphrase' } }));
    expect(bad.error?.code).toBe('BACKUP_DECRYPT_FAILED');
    const name = path.basename(pw);
    const badRestore = await finished(
      t,
      await t.ok('backups.verify', { profileId, name, scratchRestore: true, decrypt: { passphrase: 'not-the-passphrase' } }),
    );
    expect(badRestore.error?.code).toBe('BACKUP_DECRYPT_FAILED');
    expect(await verifySchemas()).toEqual([]);
    const tested = await finished(
      t,
      await t.ok('backups.verify', { profileId, name, scratchRestore: true, decrypt: { passphrase: pass } }),
    );
    expect(tested.state, `${tested.error?.code} ${tested.error?.message}`).toBe('succeeded');
    expect(tested.result as VerifyResult).toMatchObject({ ok: true, level: 'restore', encrypted: true });
    for (const f of ['sysndd-admin.sqlite', 'sysndd-admin.sqlite-wal']) {
      const p = path.join(home, f);
      if (fs.existsSync(p)) expect(fs.readFileSync(p).includes(pass)).toBe(false);
    }
  });

  it('our restore of the encrypted file with the identity; a wrong key writes nothing', async () => {
    const release = registerBackupKeys(file, { identities: parseIdentityFile(fs.readFileSync(wrongKey(home), 'utf8')) });
    const bad = await finished(
      t,
      await t.ok('restore.start', { profileId, file, targetDatabase: byUs.name, confirm: 'RESTORE' }),
    );
    release();
    expect(bad.state).toBe('failed');
    expect(bad.error?.code).toBe('BACKUP_DECRYPT_FAILED');
    const root = await rootConnection();
    try {
      const [tables] = await root.query('SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?', [
        byUs.name,
      ]);
      expect((tables as Array<{ n: number }>)[0]?.n).toBe(0);
      const [shadows] = await root.query('SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE ?', [
        `${byUs.name}__%`,
      ]);
      expect(shadows).toEqual([]);
    } finally {
      await root.end();
    }
    const done = registerBackupKeys(file, { identities: parseIdentityFile(fs.readFileSync(idFile, 'utf8')) });
    try {
      const job = await finished(
        t,
        await t.ok('restore.start', { profileId, file, targetDatabase: byUs.name, confirm: 'RESTORE' }),
      );
      expect(job.state, `${job.error?.code} ${job.error?.message}`).toBe('succeeded');
    } finally {
      done();
    }
    await sameAsSource(byUs.name);
  });

  it('backups.saveTicket: hostile or unknown names and a missing remote folder fail by name; a good one gives a single-use address', async () => {
    const code = async (args: { profileId: string; name: string; location?: 'local' | 'remote' }) => {
      const r = await t.call('backups.saveTicket', args);
      return r.ok ? 'ok' : r.code;
    };
    expect(await code({ profileId, name: '../../etc/passwd.sql.gz' })).toBe('UNSAFE_FILENAME');
    expect(await code({ profileId, name: 'missing_20260101T000000Z.sql.gz' })).toBe('NOT_FOUND');
    expect(await code({ profileId, name: path.basename(file), location: 'remote' })).toBe('PRECONDITION_FAILED');
    const a = await t.ok('backups.saveTicket', { profileId, name: path.basename(file) });
    const b = await t.ok('backups.saveTicket', { profileId, name: path.basename(file) });
    expect(a.url).toMatch(/^\/download\/backup\/[0-9a-f]{64}$/);
    expect(a.url).not.toBe(b.url);
    expect(a).toMatchObject({ fileName: path.basename(file), size: fs.statSync(file).size });
  });

  it('retention treats .age files like plain ones: counted, protected as pre-restore, deleted from disk', async () => {
    const make = async (options: Record<string, unknown>): Promise<string> => {
      const job = await finished(t, await t.ok('backups.create', { profileId, options }));
      expect(job.state, job.error?.message).toBe('succeeded');
      return (job.result as CreateBackupResult).path;
    };
    const safety = await make({ label: 'pre-restore', encrypt: { passphrase: 'another-passphrase-1' } });
    expect(safety).toMatch(/_pre-restore\.sql\.gz\.age$/);
    const plain = await make({});
    const local = (await t.ok('backups.list', { profileId, refreshRemote: false })).entries.filter((e) => e.localPath);
    const ages = local.filter((e) => e.encrypted).map((e) => e.name);
    expect(ages.length).toBeGreaterThanOrEqual(3);
    const rule = { keepLast: 1, location: 'local' as const };
    const plan = await t.ok('backups.prunePreview', { profileId, rule });
    const kept = new Map(plan.keep.map((k) => [k.name, k]));
    expect(kept.get(path.basename(plain))?.reasons[0]).toMatch(/newest 1 of the last 1/);
    expect(kept.get(path.basename(safety))).toMatchObject({ class: 'safety' });
    // The newest encrypted backup that passed a check is kept for that; the older encrypted one goes.
    expect(plan.remove.map((r) => r.name)).toContain(path.basename(file));
    const applied = await t.ok('backups.prune', { profileId, rule, confirm: 'DELETE' });
    expect(applied.deleted.some((d) => d.endsWith(path.basename(file)))).toBe(true);
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.existsSync(safety)).toBe(true);
  });
});

function wrongKey(home: string): string {
  const p = path.join(home, 'wrong-key.txt');
  if (!fs.existsSync(p)) fs.writeFileSync(p, generateIdentity().text, { mode: 0o600 });
  return p;
}
