import { generateKeyPairSync } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestTail } from '../../../src/main/features/backups/format/BackupFileWriter';
import { readManifest } from '../../../src/main/features/backups/format/index';
import { fingerprintOf, rawPublicKey, type Sealer } from '../../../src/main/features/backups/format/seal';
import type { CreateBackupResult, JobSnapshot, VerifyResult } from '../../../src/shared/contract/index';
import { createTestApp, type TestApp } from '../../fixtures/app';
import { resealWithEdit } from '../../fixtures/hostile/reseal';
import { createProfileForTestDb, createTestDatabase, rootConnection, type TestDatabase } from '../../fixtures/mysql';
import { cli } from './cliRun';
import { buildFixtureDb, checksums, restoreWithMariadbClient } from './fixtureDb';

async function finished(t: TestApp, job: JobSnapshot): Promise<JobSnapshot> {
  const final = await t.ok('jobs.wait', { id: job.id, timeoutMs: 120_000 });
  if (final.state !== 'succeeded')
    throw new Error(`job ${job.kind} ${final.state}: ${final.error?.code} ${final.error?.message}`);
  return final;
}

function colleague(name: string): Sealer {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey: rawPublicKey(publicKey), name };
}

/** Re-write the manifest and end marker of `src` into `dst`, sealed by `sealer` (or unsealed). */
async function resealWith(src: string, dst: string, sealer: Sealer | null): Promise<void> {
  const manifest = await readManifest(src);
  const last = manifest.members.at(-1);
  if (!last) throw new Error('no members');
  const body = fs.readFileSync(src).subarray(0, last.offset + last.length);
  fs.writeFileSync(dst, Buffer.concat([body, await manifestTail(manifest, body.length, sealer)]));
}

describe('sealed backups (Ed25519 signature over the manifest) on real MariaDB', () => {
  let t: TestApp;
  let source: TestDatabase;
  let restored: TestDatabase;
  let profileId: string;
  let backupPath: string;
  let dir: string;

  const verify = async (file: string): Promise<VerifyResult> =>
    (await finished(t, await t.ok('backups.verify', { path: file, scratchRestore: false }))).result as VerifyResult;

  beforeAll(async () => {
    [source, restored] = await Promise.all([createTestDatabase('bk_seal_src'), createTestDatabase('bk_seal_dst')]);
    await buildFixtureDb(source.name);
    t = createTestApp();
    profileId = (await createProfileForTestDb(t, source.name)).id;
    const job = await finished(t, await t.ok('backups.create', { profileId }));
    backupPath = (job.result as CreateBackupResult).path;
    dir = path.dirname(backupPath);
  });

  afterAll(async () => {
    await t?.close();
    await Promise.all([source?.drop(), restored?.drop()]);
  });

  it('round trip: a new backup is sealed by this installation, in verify and in the catalog', async () => {
    const keys = await t.ok('backups.keys', {});
    expect(keys.own.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    const r = await verify(backupPath);
    expect(r.seal).toMatchObject({ state: 'sealed', fingerprint: keys.own.fingerprint, keyName: keys.own.name });
    expect(r.seal?.summary).toMatch(/^sealed by .+ \(this installation\)$/);
    const list = await t.ok('backups.list', { profileId, refreshRemote: false });
    expect(list.entries.find((e) => e.localPath === backupPath)?.seal?.state).toBe('sealed');
    // The signature line sits in the manifest member: nothing but SQL comments after the data.
    const text = (await import('node:zlib')).gunzipSync(fs.readFileSync(backupPath)).toString('utf8');
    expect(text).toMatch(/\n-- SYSNDD-ADMIN-SIGNATURE ed25519 key=[\w-]{43} name=[\w-]* sig=[\w-]{86}\n-- SYSNDD-ADMIN-END /);
  });

  it('plain `gunzip | mariadb` still restores a sealed file, with equal CHECKSUM TABLE', async () => {
    await restoreWithMariadbClient(backupPath, restored.name);
    const root = await rootConnection();
    try {
      expect(await checksums(root, restored.name)).toEqual(await checksums(root, source.name));
    } finally {
      await root.end();
    }
  });

  it('an edited file re-sealed without the key (hashes recomputed) verifies structurally but is "not sealed"', async () => {
    const edited = path.join(dir, 'edited_reseal.sql.gz');
    await resealWithEdit(backupPath, edited, { kind: 'objects', edit: (sql) => `${sql}-- tampered\n` });
    const r = await verify(edited);
    expect(r.ok).toBe(true);
    expect(r.seal).toMatchObject({ state: 'unsealed', summary: 'not sealed' });
    const list = await t.ok('backups.list', { profileId, refreshRemote: false });
    expect(list.entries.find((e) => e.name === 'edited_reseal.sql.gz')?.seal?.state).toBe('unsealed');
  });

  it('an edited file that keeps a signature (key claimed, not held) is "invalid"; a colleague key is unknown until trusted', async () => {
    const own = await t.app.backups.seal.sealer();
    const forged = path.join(dir, 'forged.sql.gz');
    // Claims this installation's public key, signed with another private key: the signature cannot match.
    await resealWith(backupPath, forged, { ...colleague('x'), publicKey: own.publicKey, name: own.name });
    const bad = await verify(forged);
    expect(bad.seal?.state).toBe('invalid');
    expect(bad.seal?.summary).toMatch(/^not sealed: the signature does not match/);

    const alice = colleague('Alice (team key)');
    const byAlice = path.join(dir, 'by_alice.sql.gz');
    await resealWith(backupPath, byAlice, alice);
    expect((await verify(byAlice)).seal).toMatchObject({ state: 'unknown-key', fingerprint: fingerprintOf(alice.publicKey) });
    const wrongFp = await t.call('backups.keys.trust', {
      publicKey: alice.publicKey.toString('base64url'),
      name: 'Alice',
      fingerprint: 'SHA256:wrong',
    });
    expect(wrongFp).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    await t.ok('backups.keys.trust', {
      publicKey: alice.publicKey.toString('base64url'),
      name: 'Alice',
      fingerprint: fingerprintOf(alice.publicKey),
    });
    expect((await verify(byAlice)).seal).toMatchObject({ state: 'sealed', keyName: 'Alice', summary: 'sealed by Alice' });
    await t.ok('backups.keys.untrust', { fingerprint: fingerprintOf(alice.publicKey) });
    expect((await verify(byAlice)).seal?.state).toBe('unknown-key');
  });

  it('CLI: `backup keys` shows the fingerprint, `export` the PEM; a team key file seals, `verify` names it', async () => {
    const home = t.home;
    const keyFile = path.join(home, 'team-key.pem');
    const team = generateKeyPairSync('ed25519');
    fs.writeFileSync(keyFile, team.privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
    const teamFp = fingerprintOf(rawPublicKey(team.publicKey));
    const used = await cli(['backup', 'keys', 'use-file', keyFile], home);
    expect(used.code, used.err).toBe(0);
    expect(used.out).toContain(teamFp);
    const shown = await cli(['backup', 'keys'], home);
    expect(shown.out).toContain(`own key:  ${teamFp}`);
    expect(shown.out).toContain(`key file ${keyFile}`);
    expect(shown.out).not.toContain('PRIVATE');
    const exported = await cli(['backup', 'keys', 'export'], home);
    expect(exported.out).toContain('-----BEGIN PUBLIC KEY-----');
    const byTeam = path.join(dir, 'by_team.sql.gz');
    await resealWith(backupPath, byTeam, { privateKey: team.privateKey, publicKey: rawPublicKey(team.publicKey), name: 'team' });
    const v = await cli(['backup', 'verify', byTeam], home);
    expect(v.code, v.err).toBe(0);
    expect(v.out).toMatch(/seal: sealed by .+ \(this installation\)/);
    await cli(['backup', 'keys', 'use-file'], home);
  });
});
