import type { HandlerGroup } from '../../core/dispatch';
import type { BackupService } from './BackupService';

type BackupOps =
  | 'backups.list'
  | 'backups.create'
  | 'backups.verify'
  | 'backups.download'
  | 'backups.delete'
  | 'backups.prunePreview'
  | 'backups.prune'
  | 'backups.manifest'
  | 'backups.keys'
  | 'backups.keys.trust'
  | 'backups.keys.untrust'
  | 'backups.keys.useFile'
  | 'backups.saveTicket'
  | 'backups.saveCopy'
  | 'backups.showInFolder';

export function backupHandlers(backups: BackupService): HandlerGroup<BackupOps> {
  return {
    'backups.list': async ({ profileId, refreshRemote, sort, offset, limit }) =>
      backups.list(profileId, refreshRemote, { sort, offset, limit }),
    'backups.create': async ({ profileId, options }) => backups.startCreate(profileId, options),
    'backups.verify': async (args) => backups.maintenance.startVerify(args),
    'backups.download': async ({ profileId, name, encrypt }) => backups.maintenance.startDownload(profileId, name, encrypt),
    // The DELETE word is checked, and the call audited, by dispatch (the contract's rule for these two).
    'backups.delete': async ({ profileId, name, location }) => backups.maintenance.delete(profileId, name, location),
    'backups.prunePreview': async ({ profileId, rule }) => backups.maintenance.prunePreview(profileId, rule),
    'backups.prune': async ({ profileId, rule }) => backups.maintenance.prune(profileId, rule),
    'backups.manifest': async (ref) => backups.manifest(ref),
    'backups.keys': async () => ({
      own: { ...(await backups.seal.ownKey()), keyFile: backups.seal.keyFile() },
      trusted: backups.seal.trusted(),
    }),
    'backups.keys.trust': async ({ publicKey, name, fingerprint }) => backups.seal.trust(publicKey, name, fingerprint),
    'backups.keys.untrust': async ({ fingerprint }) => ({ removed: backups.seal.untrust(fingerprint) }),
    'backups.saveTicket': async ({ profileId, name, location }) => backups.maintenance.saveTicket(profileId, name, location),
    'backups.saveCopy': async ({ profileId, name, location }) => backups.copies.startSaveCopy(profileId, name, location),
    'backups.showInFolder': async (ref) => backups.copies.showInFolder(ref),
    'backups.keys.useFile': async ({ path }) => {
      backups.seal.setKeyFile(path);
      return { keyFile: backups.seal.keyFile(), fingerprint: (await backups.seal.ownKey()).fingerprint };
    },
  };
}
