import type { App } from '../app/App';
import type { HandlerGroup } from '../core/dispatch';

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
  | 'backups.keys.useFile';

export function backupHandlers(app: App): HandlerGroup<BackupOps> {
  return {
    'backups.list': async ({ profileId, refreshRemote }) => app.backups.list(profileId, refreshRemote),
    'backups.create': async ({ profileId, options }) => app.backups.startCreate(profileId, options),
    'backups.verify': async (args) => app.backups.maintenance.startVerify(args),
    'backups.download': async ({ profileId, name, encrypt }) => app.backups.maintenance.startDownload(profileId, name, encrypt),
    // The DELETE word is checked, and the call audited, by dispatch (the contract's rule for these two).
    'backups.delete': async ({ profileId, name, location }) => app.backups.maintenance.delete(profileId, name, location),
    'backups.prunePreview': async ({ profileId, rule }) => app.backups.maintenance.prunePreview(profileId, rule),
    'backups.prune': async ({ profileId, rule }) => app.backups.maintenance.prune(profileId, rule),
    'backups.manifest': async (ref) => app.backups.manifest(ref),
    'backups.keys': async () => ({
      own: { ...(await app.backups.seal.ownKey()), keyFile: app.backups.seal.keyFile() },
      trusted: app.backups.seal.trusted(),
    }),
    'backups.keys.trust': async ({ publicKey, name, fingerprint }) => app.backups.seal.trust(publicKey, name, fingerprint),
    'backups.keys.untrust': async ({ fingerprint }) => ({ removed: app.backups.seal.untrust(fingerprint) }),
    'backups.keys.useFile': async ({ path }) => {
      app.backups.seal.setKeyFile(path);
      return { keyFile: app.backups.seal.keyFile(), fingerprint: (await app.backups.seal.ownKey()).fingerprint };
    },
  };
}
