import { notifications } from '@mantine/notifications';
import { useMemo, useState } from 'react';
import type { BackupEntry, JobSnapshot } from '../../../shared/contract/index';
import { call, errorMessage } from '../../api';
import { navigate } from '../../router';
import { BackupDetailsDrawer } from './BackupDetailsDrawer';
import type { BackupActions } from './BackupTable';
import { CompareModal } from './compare/CompareModal';
import { DeleteBackupModal } from './DeleteBackupModal';
import { DownloadBackupModal } from './DownloadBackupModal';
import { PruneModal } from './PruneModal';
import { VerifyEncryptedModal, type VerifyRequest } from './VerifyEncryptedModal';

/**
 * Which backup each dialog of the Backups page is open for (null: closed), and the table's row actions
 * that open them. A plain verify starts at once; an encrypted copy asks for its key first.
 */
export function useBackupDialogs(profileId: string, track: (job: JobSnapshot) => void) {
  const [details, setDetails] = useState<BackupEntry | null>(null);
  const [deleting, setDeleting] = useState<BackupEntry | null>(null);
  const [comparing, setComparing] = useState<BackupEntry | null>(null);
  const [downloading, setDownloading] = useState<BackupEntry | null>(null);
  const [pruning, setPruning] = useState(false);
  const [verifyingEncrypted, setVerifyingEncrypted] = useState<VerifyRequest | null>(null);

  const actions = useMemo<BackupActions>(
    () => ({
      details: (e) => setDetails(e),
      remove: (e) => setDeleting(e),
      compare: (e) => setComparing(e),
      restore: (e) => navigate(`restore?profile=${encodeURIComponent(profileId)}&file=${encodeURIComponent(e.localPath ?? '')}`),
      download: (e) => setDownloading(e),
      verify: async (e, scratchRestore) => {
        // An encrypted copy needs its key first (identity file path or passphrase).
        if (e.encrypted) return setVerifyingEncrypted({ entry: e, scratchRestore });
        try {
          track(await call('backups.verify', { profileId, name: e.name, scratchRestore }));
        } catch (err) {
          notifications.show({ color: 'red', title: 'Could not start the check', message: errorMessage(err) });
        }
      },
    }),
    [profileId, track],
  );

  const open = { details, deleting, comparing, downloading, pruning, verifyingEncrypted };
  const set = { setDetails, setDeleting, setComparing, setDownloading, setPruning, setVerifyingEncrypted };
  return { actions, open, set, openPrune: () => setPruning(true) };
}

export interface BackupDialogsProps {
  profileId: string;
  dialogs: ReturnType<typeof useBackupDialogs>;
  hasRemote: boolean;
  track(job: JobSnapshot): void;
  /** The list changed (a delete, a prune): read it again. */
  reload(): void;
}

/** The drawer and modals behind the Backups page's row actions and its Retention button. */
export function BackupDialogs({ profileId, dialogs, hasRemote, track, reload }: BackupDialogsProps) {
  const { actions, open, set } = dialogs;
  return (
    <>
      <BackupDetailsDrawer
        profileId={profileId}
        entry={open.details}
        onClose={() => set.setDetails(null)}
        onRestore={actions.restore}
      />
      <CompareModal profileId={profileId} entry={open.comparing} onClose={() => set.setComparing(null)} />
      <DownloadBackupModal
        profileId={profileId}
        entry={open.downloading}
        onClose={() => set.setDownloading(null)}
        onStarted={track}
      />
      <VerifyEncryptedModal
        profileId={profileId}
        request={open.verifyingEncrypted}
        onClose={() => set.setVerifyingEncrypted(null)}
        onStarted={track}
      />
      <DeleteBackupModal
        profileId={profileId}
        entry={open.deleting}
        onClose={() => set.setDeleting(null)}
        onDeleted={(paths) => {
          set.setDeleting(null);
          notifications.show({ color: 'green', title: 'Deleted', message: paths.join(', ') });
          reload();
        }}
      />
      <PruneModal
        profileId={profileId}
        opened={open.pruning}
        hasRemote={hasRemote}
        onClose={() => set.setPruning(false)}
        onPruned={() => {
          set.setPruning(false);
          reload();
        }}
      />
    </>
  );
}
