import { Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { type ReactNode, useState } from 'react';
import type { JobSnapshot, RestoreRecord } from '../../../shared/contract/index';
import { DISCARD_CONFIRMATION, ROLLBACK_CONFIRMATION } from '../../../shared/contract/restore';
import { call, errorMessage } from '../../api';
import { useAppStore } from '../../state/appStore';
import { TypedConfirmModal } from './TypedConfirmModal';

type Pending = { kind: 'rollback' | 'discard'; record: RestoreRecord };

/**
 * Rollback (a job that swaps the __prev tables back) and discard (drops __prev) for a restore record,
 * each behind its own typed word (ROLLBACK, DROP). `onJob` receives the rollback job to follow; `onChanged` runs after
 * a discard and when a rollback was started, so lists can reload.
 */
export function useRestoreActions(opts: { onJob(job: JobSnapshot): void; onChanged(): void }): {
  rollback(record: RestoreRecord): void;
  discard(record: RestoreRecord): void;
  modal: ReactNode;
} {
  const [pending, setPending] = useState<Pending | null>(null);
  const [busy, setBusy] = useState(false);
  const upsertJob = useAppStore((s) => s.upsertJob);

  async function confirm(token: string) {
    if (!pending) return;
    setBusy(true);
    try {
      if (pending.kind === 'rollback') {
        const job = await call('restore.rollback', { restoreId: pending.record.id, confirm: token });
        upsertJob(job);
        opts.onJob(job);
      } else {
        await call('restore.discard', { restoreId: pending.record.id, confirm: token });
        notifications.show({
          color: 'green',
          title: 'Previous tables discarded',
          message: `${pending.record.prevSchema} was dropped; this restore can no longer be rolled back.`,
        });
      }
      setPending(null);
      opts.onChanged();
    } catch (err) {
      notifications.show({
        color: 'red',
        title: pending.kind === 'rollback' ? 'Rollback refused' : 'Discard refused',
        message: errorMessage(err),
      });
    } finally {
      setBusy(false);
    }
  }

  const r = pending?.record;
  const modal = (
    <TypedConfirmModal
      opened={pending !== null}
      title={pending?.kind === 'rollback' ? 'Roll back this restore' : 'Discard the previous tables'}
      actionLabel={pending?.kind === 'rollback' ? 'Roll back' : 'Discard'}
      word={pending?.kind === 'discard' ? DISCARD_CONFIRMATION : ROLLBACK_CONFIRMATION}
      busy={busy}
      onClose={() => setPending(null)}
      onConfirm={confirm}
    >
      {r && pending?.kind === 'rollback' && (
        <Text size="sm">
          The tables restored into <b>{r.targetDatabase}</b> ({r.profileName}) are swapped out and the previous tables kept in{' '}
          <b>{r.prevSchema}</b> are swapped back in one RENAME. Changes made since the restore are lost.
        </Text>
      )}
      {r && pending?.kind === 'discard' && (
        <Text size="sm">
          <b>{r.prevSchema}</b> is dropped to free its space. This restore can then no longer be rolled back
          {r.preRestoreBackup ? ' (the pre-restore backup file stays on the Backups page)' : ''}.
        </Text>
      )}
    </TypedConfirmModal>
  );
  return {
    rollback: (record) => setPending({ kind: 'rollback', record }),
    discard: (record) => setPending({ kind: 'discard', record }),
    modal,
  };
}
