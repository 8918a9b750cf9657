import fs from 'node:fs';
import path from 'node:path';
import type { SaveCopyStart, SavedBackupCopy, ShowInFolderResult } from '../../../../shared/contract/backups';
import type { Profile } from '../../../../shared/contract/profiles';
import { AppError } from '../../../core/AppError';
import type { BackupService } from '../BackupService';
import type { BackupServiceDeps } from '../BackupServiceDeps';
import { resolveBackupPath, resolveRemotePath } from '../catalog/fileNames';
import { statRemote } from '../remote/sftpFiles';
import { type CopySource, copyAndVerify } from './copyVerify';

/** What the door is asked when a person saves a copy: the backup's file name and size. */
export interface SavePathRequest {
  fileName: string;
  size: number;
  location: 'local' | 'remote';
}

/**
 * What only a desktop door can do with files (src/main/app/DoorHooks.ts hands them in). The feature never
 * imports Electron: the door supplies the native dialog and the file manager.
 */
export interface BackupFileHooks {
  /** The native save dialog: the chosen absolute path, or null when the person cancelled. */
  chooseSavePath?: (request: SavePathRequest) => Promise<string | null>;
  /** Open the system file manager with this file selected. */
  showInFolder?: (file: string) => void;
}

interface SourceFile {
  location: 'local' | 'remote';
  path: string;
  size: number;
}

/**
 * Desktop "Save as…" and "Show in folder" (docs/backups.md, "Save a copy"). The door chooses the path;
 * this copies the backup there as a job (local file, or streamed over SFTP) and verifies the copy before
 * it gets its name. Paths of copies saved by this process are remembered so "Show in folder" can be asked
 * for them; any other path is refused (a page cannot make the app reveal arbitrary files).
 */
export class BackupCopies {
  private readonly saved = new Set<string>();

  constructor(
    private readonly app: BackupServiceDeps,
    private readonly backups: BackupService,
    private readonly hooks: BackupFileHooks,
  ) {}

  /** `backups.saveCopy`: ask the door where, then start the copy job; nothing happens when cancelled. */
  async startSaveCopy(profileId: string, name: string, location: 'local' | 'remote'): Promise<SaveCopyStart> {
    const choose = this.hooks.chooseSavePath;
    if (!choose)
      throw new AppError(
        'UNSUPPORTED',
        'Saving a copy through a save dialog is a desktop-app feature. In browser mode use Save as… (a browser download); on the command line, `sysndd-admin backup path NAME` prints where the file is.',
      );
    const profile = this.app.profiles.get(profileId);
    const source = await this.sourceOf(profile, name, location);
    const chosen = await choose({ fileName: path.basename(source.path), size: source.size, location });
    if (chosen === null) return { cancelled: true, job: null };
    const target = await checkedTarget(chosen, source);
    const job = this.app.jobs.start({
      kind: 'backup.saveCopy',
      title: `Save a copy of ${name}`,
      profileId,
      // Two copies to one path would share its partial file: the second is refused (CONFLICT) while one runs.
      exclusiveKey: `backup-save-copy:${target}`,
      run: async (ctx): Promise<SavedBackupCopy> => {
        const run = {
          signal: ctx.signal,
          onProgress: (done: number, total: number) =>
            ctx.progress({ stage: `copying ${name}`, done, total, unit: 'bytes', bytes: done }),
          log: (level: 'info' | 'warn', message: string) => ctx.log(level, message),
        };
        const saved =
          source.location === 'local'
            ? await copyAndVerify(localSource(name, source), target, run)
            : await this.copyRemote(profileId, name, source, target, run);
        this.saved.add(saved.path);
        return saved;
      },
    });
    return { cancelled: false, job };
  }

  /** `backups.showInFolder`: a local backup's file, or a copy saved by this process. */
  async showInFolder(ref: { profileId?: string; name?: string; savedPath?: string }): Promise<ShowInFolderResult> {
    const file = ref.savedPath !== undefined ? this.savedCopy(ref.savedPath) : await this.localBackup(ref);
    if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) throw new AppError('NOT_FOUND', `${file} is no longer there.`);
    const shown = this.hooks.showInFolder !== undefined;
    this.hooks.showInFolder?.(file);
    return { path: file, folder: path.dirname(file), shown };
  }

  private savedCopy(savedPath: string): string {
    const file = path.resolve(savedPath);
    if (!this.saved.has(file))
      throw new AppError('NOT_FOUND', `${file} is not a copy saved by this app since it started: only those can be shown.`);
    return file;
  }

  private async localBackup(ref: { profileId?: string; name?: string }): Promise<string> {
    const profile = this.app.profiles.get(ref.profileId as string);
    const name = ref.name as string;
    const file = resolveBackupPath(await this.backups.localDirReady(profile), name);
    if (fs.existsSync(file)) return file;
    if (this.backups.cache.get(profile.id, 'remote', name))
      throw new AppError(
        'PRECONDITION_FAILED',
        `${name} is only in the remote folder on the SSH host: download it (or save a copy) to have it on this computer.`,
      );
    throw new AppError('NOT_FOUND', `No local backup named ${name} for profile "${profile.name}".`);
  }

  /** The file to copy, checked before the dialog opens (a bad name or missing file never asks where). */
  private async sourceOf(profile: Profile, name: string, location: 'local' | 'remote'): Promise<SourceFile> {
    if (location === 'local') {
      const file = resolveBackupPath(await this.backups.localDirReady(profile), name);
      const st = await fs.promises.stat(file).catch(() => null);
      if (!st?.isFile()) throw new AppError('NOT_FOUND', `No local backup named ${name}.`);
      return { location, path: file, size: st.size };
    }
    const dir = this.backups.remoteDir(profile);
    if (!dir) throw new AppError('PRECONDITION_FAILED', `Profile "${profile.name}" has no remote backup folder.`);
    const file = resolveRemotePath(dir, name);
    const cached = this.backups.cache.get(profile.id, 'remote', name);
    if (!cached) throw new AppError('NOT_FOUND', `No remote backup named ${name}: refresh the list.`);
    return { location, path: file, size: cached.size };
  }

  /** The remote file streamed over one SFTP session (its size read again: the listing may be old). */
  private async copyRemote(
    profileId: string,
    name: string,
    source: SourceFile,
    target: string,
    run: Parameters<typeof copyAndVerify>[2],
  ): Promise<SavedBackupCopy> {
    const sftp = await this.app.connections.openSftp(profileId);
    try {
      const st = await statRemote(sftp, source.path);
      const src: CopySource = {
        name,
        location: 'remote',
        size: st.size,
        open: () => sftp.createReadStream(source.path, { highWaterMark: 1 << 18 }),
      };
      return await copyAndVerify(src, target, run);
    } finally {
      sftp.end();
    }
  }
}

function localSource(name: string, source: SourceFile): CopySource {
  return {
    name,
    location: 'local',
    size: source.size,
    open: () => fs.createReadStream(source.path, { highWaterMark: 1 << 20 }),
  };
}

/** The chosen path: absolute, in an existing folder, not a folder itself and not the backup itself. */
async function checkedTarget(chosen: string, source: SourceFile): Promise<string> {
  if (!path.isAbsolute(chosen)) throw new AppError('INVALID_ARGUMENT', `The save path ${chosen} is not absolute.`);
  const target = path.resolve(chosen);
  const folder = await fs.promises.stat(path.dirname(target)).catch(() => null);
  if (!folder?.isDirectory()) throw new AppError('NOT_FOUND', `The folder ${path.dirname(target)} does not exist.`);
  const existing = await fs.promises.stat(target).catch(() => null);
  if (existing?.isDirectory()) throw new AppError('CONFLICT', `${target} is a folder: choose a file name.`);
  if (source.location === 'local' && existing) {
    const real = await fs.promises.stat(source.path);
    if (existing.ino === real.ino && existing.dev === real.dev)
      throw new AppError('CONFLICT', `${target} is the backup itself: choose another place or name for the copy.`);
  }
  return target;
}
