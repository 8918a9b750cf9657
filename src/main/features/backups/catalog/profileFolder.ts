import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Profile } from '../../../../shared/contract/profiles';
import { readManifest } from '../format/BackupFileReader';
import type { CatalogCache } from './CatalogCache';
import { fileSafe, isBackupFileName } from './fileNames';
import { fileKeyOf, localVersion } from './fileVersion';

/**
 * Each saved profile's local backup folder is its own, keyed by its id: `<home>/backups/<name>-<id>`. The
 * name part is only for people browsing the folder (a rename keeps the folder: it is found by its id).
 * Before, the folder was `<home>/backups/<name reduced to [A-Za-z0-9_-]>`, so "SysNDD prod" and
 * "SysNDD (prod)" shared one, and a prune of one deleted the other's backups.
 *
 * A profile with `localBackupDir` set uses that folder as given; a one-off `--url` target (transient
 * profile, new id on every run) keeps `<home>/backups/<user_host_port>`, where `backup create --url` writes.
 */

export function expandHome(p: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/')) return path.join(os.homedir(), p.slice(2));
  return p;
}

/** The id as it appears in a folder name (UUIDs as they are; anything else hashed so it stays unique). */
function idPart(id: string): string {
  return /^[A-Za-z0-9-]{1,64}$/.test(id) ? id : createHash('sha256').update(id).digest('hex').slice(0, 32);
}

/** The folder name-derived folders had before ids: still where `--url` targets write. */
export function legacyFolder(home: string, profile: Pick<Profile, 'name'>): string {
  return path.join(home, 'backups', fileSafe(profile.name, 'profile'));
}

export function profileFolder(home: string, profile: Pick<Profile, 'id' | 'name' | 'transient' | 'localBackupDir'>): string {
  if (profile.localBackupDir) return path.resolve(expandHome(profile.localBackupDir));
  if (profile.transient) return legacyFolder(home, profile);
  const root = path.join(home, 'backups');
  const suffix = `-${idPart(profile.id)}`;
  // Found by id, so renaming the profile keeps its folder.
  const existing = safeReaddir(root).find((n) => n.endsWith(suffix) && isDir(path.join(root, n)));
  return path.join(root, existing ?? `${fileSafe(profile.name, 'profile')}${suffix}`);
}

function safeReaddir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export interface AdoptResult {
  from: string;
  moved: string[];
  /** Files left in the old folder: another profile's, or not provably this one's. */
  left: string[];
}

/**
 * Move this profile's backups from its old name-derived folder into its own. A file moves only when it is
 * provably this profile's: ours whose manifest names this profile (or its restore-target copies), or any
 * file when no other saved profile could have written into that folder. Nothing is ever overwritten or
 * deleted; whatever is not provably this profile's stays where it is (and is named in the result).
 */
export async function adoptLegacyFiles(input: {
  home: string;
  profile: Profile;
  others: readonly Profile[];
  target: string;
  cache: CatalogCache;
}): Promise<AdoptResult | null> {
  const { profile, target } = input;
  if (profile.transient || profile.localBackupDir) return null;
  const from = legacyFolder(input.home, profile);
  if (path.resolve(from) === path.resolve(target) || !isDir(from)) return null;
  const shared = input.others.some(
    (o) =>
      o.id !== profile.id &&
      (o.localBackupDir
        ? path.resolve(expandHome(o.localBackupDir)) === path.resolve(from)
        : fileSafe(o.name, 'profile') === fileSafe(profile.name, 'profile')),
  );
  const result: AdoptResult = { from, moved: [], left: [] };
  for (const name of safeReaddir(from)) {
    const download = name.endsWith('.download.partial');
    const base = download ? name.slice(0, -'.download.partial'.length) : name;
    if (!isBackupFileName(base)) continue;
    const src = path.join(from, name);
    const mine = download ? input.cache.downloadState(profile.id, base) !== null : await belongsTo(src, profile, shared);
    if (!mine) {
      result.left.push(name);
      continue;
    }
    if (await moveKeepingContent(src, path.join(target, name), input.cache)) result.moved.push(name);
    else result.left.push(name);
  }
  // The old folder goes only when it is empty (another profile's files keep it).
  if (safeReaddir(from).length === 0) await fs.promises.rmdir(from).catch(() => undefined);
  return result;
}

async function belongsTo(file: string, profile: Profile, shared: boolean): Promise<boolean> {
  try {
    const m = await readManifest(file);
    const owner = m.source.profileName;
    return owner === profile.name || owner.startsWith(`${profile.name} (restore target `);
  } catch {
    // A foreign dump or a damaged file names no profile: it is this one's only if nobody else wrote there.
    return !shared;
  }
}

/** Rename without replacing; a verified file keeps its content key (the rename is ours, the bytes the same). */
async function moveKeepingContent(src: string, dst: string, cache: CatalogCache): Promise<boolean> {
  await fs.promises.mkdir(path.dirname(dst), { recursive: true, mode: 0o700 });
  if (fs.existsSync(dst)) return false;
  const before = await localVersion(src);
  const key = cache.contentKey(fileKeyOf({ location: 'local', profileId: '', path: src }), before);
  try {
    await fs.promises.link(src, dst);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    // Another file system: no hard link; copy and remove (never over an existing file). A copy is new
    // bytes: it is verified again before it shows a badge.
    await fs.promises.copyFile(src, dst, fs.constants.COPYFILE_EXCL);
    await fs.promises.unlink(src);
    return true;
  }
  await fs.promises.unlink(src);
  // The same inode under a new name: the content read when it was verified is still what it holds.
  const after = await localVersion(dst);
  if (key && after) cache.recordContent(fileKeyOf({ location: 'local', profileId: '', path: dst }), after, key);
  return true;
}
