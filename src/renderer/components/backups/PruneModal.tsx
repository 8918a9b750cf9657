import { Alert, Button, Group, Modal, NumberInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { TriangleAlert } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { PrunePlan } from '../../../shared/contract/index';
import { call, errorMessage } from '../../api';
import { ModalActions } from '../common/ModalActions';
import { PrunePlanView } from './PrunePlanView';

/**
 * Retention: keep the last N backups and/or those younger than N days; pre-restore and pre-migration backups
 * for their own number of days. "Preview" shows exactly which files would go and why each other file is
 * kept; applying it needs the word DELETE and is recorded in the audit log.
 */
export function PruneModal({
  profileId,
  opened,
  hasRemote,
  onClose,
  onPruned,
}: {
  profileId: string;
  opened: boolean;
  hasRemote: boolean;
  onClose(): void;
  onPruned(): void;
}) {
  const [keepLast, setKeepLast] = useState<number | ''>(10);
  const [keepDays, setKeepDays] = useState<number | ''>('');
  const [safetyDays, setSafetyDays] = useState<number | ''>(7);
  const [location, setLocation] = useState<'local' | 'remote'>('local');
  const [plan, setPlan] = useState<PrunePlan | null>(null);
  const [word, setWord] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (opened) {
      setPlan(null);
      setWord('');
      setError(null);
    }
  }, [opened]);

  const rule = () => ({
    location,
    ...(keepLast === '' ? {} : { keepLast: Number(keepLast) }),
    ...(keepDays === '' ? {} : { keepDays: Number(keepDays) }),
    ...(safetyDays === '' ? {} : { safetyKeepDays: Number(safetyDays) }),
  });

  async function run(apply: boolean) {
    setBusy(true);
    setError(null);
    try {
      if (apply) {
        await call('backups.prune', { profileId, rule: rule(), confirm: word });
        onPruned();
      } else setPlan(await call('backups.prunePreview', { profileId, rule: rule() }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal opened={opened} onClose={onClose} title="Retention" size="lg" data-testid="backup-prune-modal">
      <Stack gap="sm">
        {hasRemote && (
          <SegmentedControl
            value={location}
            onChange={(v) => {
              setLocation(v as 'local' | 'remote');
              setPlan(null);
            }}
            data={[
              { value: 'local', label: 'Local folder' },
              { value: 'remote', label: 'Folder on the SSH host' },
            ]}
          />
        )}
        <Group grow>
          <NumberInput
            label="Keep the last"
            suffix=" backups"
            min={1}
            value={keepLast}
            onChange={(v) => (setKeepLast(v === '' ? '' : Number(v)), setPlan(null))}
            data-testid="backup-prune-keep-last"
          />
          <NumberInput
            label="Keep backups younger than"
            suffix=" days"
            min={1}
            value={keepDays}
            onChange={(v) => (setKeepDays(v === '' ? '' : Number(v)), setPlan(null))}
            data-testid="backup-prune-keep-days"
          />
        </Group>
        <NumberInput
          label="Keep pre-restore and pre-migration backups for"
          description="Their own class: never counted in “the last N”, so copies of a broken state cannot push good backups out."
          suffix=" days"
          min={1}
          value={safetyDays}
          onChange={(v) => (setSafetyDays(v === '' ? '' : Number(v)), setPlan(null))}
          data-testid="backup-prune-safety-days"
        />
        <Text size="xs" c="dimmed">
          A backup is kept when either rule keeps it. Incomplete or corrupt files do not count toward “the last N”. Whatever the
          rules say, the newest backup that passed verify or a test restore is kept, and so is the pre-restore backup of a restore
          that can still be rolled back.
        </Text>
        <Group>
          <Button
            variant="light"
            onClick={() => run(false)}
            loading={busy && !plan}
            disabled={keepLast === '' && keepDays === ''}
            data-testid="backup-prune-preview"
          >
            Preview
          </Button>
        </Group>
        {plan && (
          <>
            <PrunePlanView plan={plan} />
            {plan.remove.length > 0 && (
              <TextInput
                label="Type DELETE to apply"
                value={word}
                onChange={(e) => setWord(e.currentTarget.value)}
                data-testid="backup-prune-confirm"
              />
            )}
          </>
        )}
        {error && (
          <Alert color="red" icon={<TriangleAlert size={16} />} p="xs">
            {error}
          </Alert>
        )}
        <ModalActions onCancel={onClose} cancelLabel="Close">
          <Button
            color="red"
            disabled={!plan || plan.remove.length === 0 || word !== 'DELETE'}
            loading={busy && plan !== null}
            onClick={() => run(true)}
            data-testid="backup-prune-apply"
          >
            Delete {plan?.remove.length ?? 0} backup(s)
          </Button>
        </ModalActions>
      </Stack>
    </Modal>
  );
}
