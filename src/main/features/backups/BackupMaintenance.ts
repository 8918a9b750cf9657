import fs from 'node:fs';
import path from 'node:path';
import type {
  BackupDecryption,
  BackupEncryption,
  BackupLocation,
  PrunePlan,
  VerifyResult,
} from '../../../shared/contract/backups';
import type { JobSnapshot } from '../../../shared/contract/jobs';
import { AppError, toFailure } from '../../core/AppError';
import type { JobContext } from '../../platform/jobs/JobRunner';
import { decryptedIfAge, isAgeFile, keysOf, recipientsOf } from './age/backupKeys';
import { registerBackupKeys } from './age/keyRegistry';
import type { BackupService } from './BackupService';
import type { BackupServiceDeps } from './BackupServiceDeps';
import { resolveBackupPath, resolveRemotePath } from './catalog/fileNames';
import { localVersion } from './catalog/fileVersion';
import { planRetention, type RetentionRuleInput } from './catalog/retention';
import { openVersioned, recordVerified } from './catalog/verifiedContent';
import { inspectBackupFrom, readManifestDetailed, type VerifyReport } from './format/BackupFileReader';
import type { ByteSource } from './format/byteSource';
import { scanForeignFrom } from './format/foreignDump';
import { type DownloadInput, downloadBackup } from './remote/download';
import { downloadEncrypted } from './remote/downloadEncrypted';
import { issueSaveTicket } from './remote/saveTickets';
import { statRemote, unlinkRemote } from './remote/sftpFiles';
import { scratchRestore } from './verify/scratchRestore';

/** Ours (with its content fingerprint), ours but unreadable (inspect reports why), or a foreign dump. */
async function classify(
  src: ByteSource,
): Promise<{ type: 'ours'; jsonSha256: string } | { type: 'damaged' } | { type: 'foreign' }> {
  try {
    return { type: 'ours', jsonSha256: (await readManifestDetailed(src)).jsonSha256 };
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    const foreign = err.code === 'BACKUP_INCOMPLETE' && !(err.details as { looksLikeOurs?: boolean } | undefined)?.looksLikeOurs;
    return foreign ? { type: 'foreign' } : { type: 'damaged' };
  }
}

export interface VerifyRequest {
  profileId?: string;
  name?: string;
  path?: string;
  scratchRestore: boolean;
  /** Opens an encrypted (.age) file: identity file path and/or passphrase (held for this job only). */
  decrypt?: BackupDecryption;
}

/** Verify, download, delete and prune: the catalog's actions on existing files. */
export class BackupMaintenance {
  constructor(
    private readonly app: BackupServiceDeps,
    private readonly backups: BackupService,
  ) {}

  startVerify(req: VerifyRequest): JobSnapshot {
    // A bad name is refused now, not as a failed job.
    if (req.name !== undefined && req.profileId)
      resolveBackupPath(this.backups.localDir(this.app.profiles.get(req.profileId)), req.name);
    const label = req.path ?? req.name ?? '';
    return this.app.jobs.start({
      kind: 'backup.verify',
      title: `Verify ${path.basename(label)}${req.scratchRestore ? ' (with test restore)' : ''}`,
      profileId: req.profileId ?? null,
      run: (ctx) => this.verify(req, ctx),
    });
  }

  private async verify(req: VerifyRequest, ctx: JobContext): Promise<VerifyResult> {
    const where = await this.backups.locate(req);
    if (req.scratchRestore && where.location === 'remote') {
      throw new AppError('PRECONDITION_FAILED', 'A test restore reads the file locally: download the backup first.');
    }
    // An age file is verified through its decrypted view; a wrong or missing key fails at open, before any
    // read and before a scratch schema exists. The keys stay registered for the whole job: the test restore
    // reads every member again through openLocalSource (decrypted in memory, never plaintext on disk).
    const keys = keysOf(req.decrypt, this.app.knownSecrets);
    const encrypted = where.location === 'local' && (await isAgeFile(where.path));
    const release = encrypted && req.decrypt ? registerBackupKeys(where.path, keys) : () => undefined;
    try {
      return await this.verifyAt(req, where, keys, encrypted, ctx);
    } finally {
      release();
    }
  }

  private async verifyAt(
    req: VerifyRequest,
    where: Awaited<ReturnType<BackupService['locate']>>,
    keys: ReturnType<typeof keysOf>,
    encrypted: boolean,
    ctx: JobContext,
  ): Promise<VerifyResult> {
    // The result is bound to the version read (catalog/fileVersion.ts): checked again after the reading.
    const opened = await openVersioned(where, (id) => this.app.connections.openSftp(id));
    const plain = await decryptedIfAge(opened.src, keys).catch(async (err: unknown) => {
      await opened.close().catch(() => undefined);
      throw err;
    });
    const src = plain.src;
    const versions: Array<string | null> = [opened.before];
    let report: VerifyReport;
    let proven: string | null = null;
    let format: VerifyResult['format'] = 'sysndd-admin';
    try {
      ctx.progress({ stage: 'checking members', done: 0, total: null, unit: 'members' });
      const kind = await classify(src);
      if (kind.type === 'foreign') {
        // No end marker and no preamble of ours: a plain mysqldump file, checked as such.
        format = 'foreign';
        report = await this.verifyForeign(src, ctx);
      } else {
        report = await inspectBackupFrom(src, {
          signal: ctx.signal,
          onProgress: (p) =>
            ctx.progress({
              stage: 'checking member hashes',
              done: p.bytesDone,
              total: p.bytesTotal,
              unit: 'bytes',
              bytes: p.bytesDone,
            }),
        });
        // Every byte checked against the manifest: its hash now names this content wherever a copy lives.
        if (kind.type === 'ours' && report.ok) proven = kind.jsonSha256;
      }
    } finally {
      versions.push(await opened.versionNow());
      await opened.close().catch(() => undefined);
    }
    for (const p of report.problems) ctx.log('error', `${p.code}: ${p.message}`);
    const scratch = report.ok && req.scratchRestore ? await this.testRestore(req, where.path, report, ctx) : null;
    const ok = report.ok && (scratch === null || scratch.mismatches.length === 0);
    const level = scratch ? 'restore' : 'structure';
    const message = ok
      ? scratch
        ? `Test restore matched: ${scratch.tablesCompared} tables (row counts${report.manifest?.tables.some((t) => t.checksum) ? ' and CHECKSUM TABLE' : ''}).`
        : `${report.members} members and the end marker check out.`
      : [...report.problems.map((p) => p.message), ...(scratch?.mismatches ?? [])].slice(0, 5).join('; ');
    // A test restore read the file again: it must still be the version the hashes were checked on.
    if (scratch && where.location === 'local') versions.push(await localVersion(where.path));
    const read = { fileKey: opened.fileKey, versions };
    if (!recordVerified(this.backups.cache, read, proven, { level, ok, message }))
      ctx.log('warn', `${where.path} changed while it was being verified: no result is recorded for it.`);
    if (!ok) {
      const code = report.problems.some((p) => p.code === 'BACKUP_INCOMPLETE') ? 'BACKUP_INCOMPLETE' : 'BACKUP_CORRUPT';
      throw new AppError(code, message, { problems: report.problems, mismatches: scratch?.mismatches ?? [] });
    }
    ctx.log('info', message);
    const seal = format === 'sysndd-admin' && report.manifest ? await this.backups.seal.stateOf(report.seal) : null;
    if (seal) ctx.log(seal.state === 'sealed' ? 'info' : 'warn', `Seal: ${seal.summary}.`);
    return {
      path: where.path,
      ok,
      level,
      format,
      members: report.members,
      problems: report.problems,
      seal,
      encrypted: plain.encrypted || encrypted,
      scratch,
    };
  }

  /** The test restore of a file whose members checked out (an encrypted one reads through its registered keys). */
  private async testRestore(
    req: VerifyRequest,
    file: string,
    report: VerifyReport,
    ctx: JobContext,
  ): Promise<NonNullable<VerifyResult['scratch']>> {
    if (!report.manifest)
      throw new AppError(
        'UNSUPPORTED',
        'Test restores are only done for SysNDD Admin backups (foreign dumps may switch databases).',
      );
    const profileId = req.profileId as string;
    const scratch = await scratchRestore({
      file,
      manifest: report.manifest,
      openConnection: (db, account) => this.backups.openConnection(profileId, db, { multipleStatements: false, ...account }),
      signal: ctx.signal,
      onProgress: (done, total) => ctx.progress({ stage: 'test restore', done, total, unit: 'bytes', bytes: done }),
      log: (level, message) => ctx.log(level, message),
    });
    for (const m of scratch.mismatches) ctx.log('error', `mismatch: ${m}`);
    return scratch;
  }

  private async verifyForeign(src: ByteSource, ctx: { signal: AbortSignal }): Promise<VerifyReport> {
    const s = await scanForeignFrom(src, ctx.signal);
    const problems: VerifyReport['problems'] = [];
    if (s.truncated) problems.push({ code: 'BACKUP_INCOMPLETE', message: 'the gzip stream is cut short or damaged' });
    else if (!s.completed)
      problems.push({ code: 'BACKUP_INCOMPLETE', message: 'no "-- Dump completed" line at the end (the dump was cut short)' });
    return { file: src.name, ok: problems.length === 0, manifest: null, seal: null, members: 0, problems };
  }

  /** `encrypt`: write `NAME.age` (remote plain → local encrypted, remote/downloadEncrypted.ts). */
  startDownload(profileId: string, name: string, encrypt?: BackupEncryption): JobSnapshot {
    const profile = this.app.profiles.get(profileId);
    const remoteDir = this.backups.remoteDir(profile);
    if (!remoteDir)
      throw new AppError('PRECONDITION_FAILED', `Profile "${profile.name}" has no SSH host and remote backup folder.`);
    resolveRemotePath(remoteDir, name);
    // Parsed now (a bad recipient is refused, not a failed job); the passphrase joins the log scrubber.
    const to = recipientsOf(encrypt, this.app.knownSecrets);
    if (to && name.endsWith('.age'))
      throw new AppError('PRECONDITION_FAILED', `${name} is already encrypted: download it without encryption.`);
    return this.app.jobs.start({
      kind: 'backup.download',
      title: `Download ${name}${to ? ' (encrypted)' : ''}`,
      profileId,
      exclusiveKey: `backup-download:${profileId}:${name}`,
      run: async (ctx) => {
        const sftp = await this.app.connections.openSftp(profileId);
        try {
          const localDir = await this.backups.localDirReady(profile);
          const input: DownloadInput = {
            profileId,
            sftp,
            remoteDir,
            localDir,
            name,
            cache: this.backups.cache,
            signal: ctx.signal,
            onProgress: (done, total) => ctx.progress({ stage: `downloading ${name}`, done, total, unit: 'bytes', bytes: done }),
            log: (level, message) => ctx.log(level, message),
          };
          const result = to ? await downloadEncrypted(input, to) : await downloadBackup(input);
          await this.backups.catalog.scanLocal(profileId, localDir);
          return result;
        } finally {
          sftp.end();
        }
      },
    });
  }

  /** Browser mode "Save as…": a single-use address the loopback server streams the file from. */
  saveTicket(profileId: string, name: string, location: 'local' | 'remote') {
    return issueSaveTicket(this.backups, this.app.profiles.get(profileId), name, location);
  }

  async delete(profileId: string, name: string, location: BackupLocation): Promise<{ deleted: string[] }> {
    const profile = this.app.profiles.get(profileId);
    const deleted: string[] = [];
    // Audited by dispatch (one row per call); a failure half-way says what was already deleted.
    try {
      if (location === 'local' || location === 'both') {
        const file = resolveBackupPath(await this.backups.ownLocalDir(profile), name);
        try {
          await fs.promises.unlink(file);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new AppError('NOT_FOUND', `No local backup named ${name}.`);
          throw err;
        }
        this.backups.cache.remove(profileId, 'local', name);
        deleted.push(file);
      }
      if (location === 'remote' || location === 'both') {
        const dir = this.backups.remoteDir(profile);
        if (!dir) throw new AppError('PRECONDITION_FAILED', `Profile "${profile.name}" has no remote backup folder.`);
        const file = resolveRemotePath(dir, name);
        const sftp = await this.app.connections.openSftp(profileId);
        try {
          await statRemote(sftp, file);
          await unlinkRemote(sftp, file);
        } finally {
          sftp.end();
        }
        this.backups.cache.remove(profileId, 'remote', name);
        deleted.push(`remote:${file}`);
      }
      return { deleted };
    } catch (err) {
      throw withDeleted(err, deleted);
    }
  }

  async prunePreview(profileId: string, rule: RetentionRuleInput): Promise<PrunePlan> {
    const list = await this.backups.list(profileId, rule.location === 'remote');
    if (rule.location === 'remote' && list.remoteError) {
      throw new AppError('TUNNEL_FAILED', `The remote folder could not be listed: ${list.remoteError.message}`);
    }
    return planRetention(list.entries, rule, new Date(), this.rollbackBackups());
  }

  /**
   * Pre-restore backups a restore still links while it can be rolled back: the data that restore replaced.
   * Keyed by file name (the same file may be listed locally and remotely).
   */
  private rollbackBackups(): Map<string, string> {
    const kept = new Map<string, string>();
    for (const r of this.app.restore.list({ limit: 1000 }))
      if (r.rollbackAvailable && r.preRestoreBackup)
        kept.set(path.basename(r.preRestoreBackup), `pre-restore backup of restore ${r.id}, which can still be rolled back`);
    return kept;
  }

  async prune(profileId: string, rule: RetentionRuleInput): Promise<{ plan: PrunePlan; deleted: string[] }> {
    const plan = await this.prunePreview(profileId, rule);
    const deleted: string[] = [];
    try {
      for (const f of plan.remove) deleted.push(...(await this.deleteQuietly(profileId, f.name, rule.location)));
      return { plan, deleted };
    } catch (err) {
      throw withDeleted(err, deleted);
    }
  }

  private async deleteQuietly(profileId: string, name: string, location: 'local' | 'remote'): Promise<string[]> {
    // Each deletion is part of the one audited prune; no per-file audit rows.
    const profile = this.app.profiles.get(profileId);
    if (location === 'local') {
      const file = resolveBackupPath(await this.backups.ownLocalDir(profile), name);
      await fs.promises.rm(file, { force: true });
      this.backups.cache.remove(profileId, 'local', name);
      return [file];
    }
    const file = resolveRemotePath(this.backups.remoteDir(profile) as string, name);
    const sftp = await this.app.connections.openSftp(profileId);
    try {
      await unlinkRemote(sftp, file);
    } finally {
      sftp.end();
    }
    this.backups.cache.remove(profileId, 'remote', name);
    return [`remote:${file}`];
  }
}

/** The failure of a delete or prune, carrying what was already deleted into the audit row and the door. */
function withDeleted(err: unknown, deleted: string[]): unknown {
  if (deleted.length === 0) return err;
  const f = toFailure(err);
  return new AppError(f.code, `${f.message} (already deleted: ${deleted.join(', ')})`, {
    ...(typeof f.details === 'object' && f.details !== null ? f.details : {}),
    deleted,
  });
}
