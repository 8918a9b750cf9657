import { Alert, Button, Group, Modal, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import { TriangleAlert } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { PrunePlan } from '../../../shared/contract/index';
import { call } from '../../api';
import { ChoiceControl, type SegmentOption } from '../common/ChoiceControl';
import { ModalActions } from '../common/ModalActions';
import { useInlineErrorAction } from '../common/useInlineErrorAction';
import { PrunePlanView } from './PrunePlanView';

/** The retention rule as the fields hold it ('' for a field left empty: that rule is off). */
interface RuleFieldsValue {
  keepLast: number | '';
  keepDays: number | '';
  safetyDays: number | '';
  location: 'local' | 'remote';
}

const PRUNE_LOCATIONS: ReadonlyArray<SegmentOption<RuleFieldsValue['location']>> = [
  { value: 'local', label: 'Local folder' },
  { value: 'remote', label: 'Folder on the SSH host' },
];

const DEFAULT_RULE: RuleFieldsValue = { keepLast: 10, keepDays: '', safetyDays: 7, location: 'local' };

/** The contract's rule from the fields: an empty field is a rule not given. */
function ruleOf(r: RuleFieldsValue) {
  return {
    location: r.location,
    ...(r.keepLast === '' ? {} : { keepLast: Number(r.keepLast) }),
    ...(r.keepDays === '' ? {} : { keepDays: Number(r.keepDays) }),
    ...(r.safetyDays === '' ? {} : { safetyKeepDays: Number(r.safetyDays) }),
  };
}

/** A count or a number of days of the rule: at least 1, or left empty to turn that rule off. */
function RuleNumberInput({
  value,
  onChange,
  testId,
  ...labels
}: {
  label: string;
  description?: string;
  suffix: string;
  value: number | '';
  onChange(value: number | ''): void;
  testId: string;
}) {
  return (
    <NumberInput {...labels} min={1} value={value} onChange={(v) => onChange(v === '' ? '' : Number(v))} data-testid={testId} />
  );
}

/** Which folder (when there is a remote one), how many and how recent backups to keep, and the safety copies' days. */
function RuleFields({
  value,
  hasRemote,
  onChange,
}: {
  value: RuleFieldsValue;
  hasRemote: boolean;
  onChange(value: RuleFieldsValue): void;
}) {
  const set = (patch: Partial<RuleFieldsValue>) => onChange({ ...value, ...patch });
  return (
    <>
      {hasRemote && <ChoiceControl value={value.location} onChange={(location) => set({ location })} options={PRUNE_LOCATIONS} />}
      <Group grow>
        <RuleNumberInput
          label="Keep the last"
          suffix=" backups"
          value={value.keepLast}
          onChange={(keepLast) => set({ keepLast })}
          testId="backup-prune-keep-last"
        />
        <RuleNumberInput
          label="Keep backups younger than"
          suffix=" days"
          value={value.keepDays}
          onChange={(keepDays) => set({ keepDays })}
          testId="backup-prune-keep-days"
        />
      </Group>
      <RuleNumberInput
        label="Keep pre-restore and pre-migration backups for"
        description="Their own class: never counted in “the last N”, so copies of a broken state cannot push good backups out."
        suffix=" days"
        value={value.safetyDays}
        onChange={(safetyDays) => set({ safetyDays })}
        testId="backup-prune-safety-days"
      />
    </>
  );
}

/**
 * The preview of a rule and its application (with the typed word), and why either failed. Opening the
 * dialog again starts without the last preview, word and error.
 */
function usePrune(profileId: string, rule: RuleFieldsValue, opened: boolean, onPruned: () => void) {
  const [plan, setPlan] = useState<PrunePlan | null>(null);
  const [word, setWord] = useState('');
  const { busy, error, run: runAction, clearError } = useInlineErrorAction();

  useEffect(() => {
    if (opened) {
      setPlan(null);
      setWord('');
      clearError();
    }
  }, [opened, clearError]);

  const run = (apply: boolean) =>
    runAction(async () => {
      if (apply) {
        await call('backups.prune', { profileId, rule: ruleOf(rule), confirm: word });
        onPruned();
      } else setPlan(await call('backups.prunePreview', { profileId, rule: ruleOf(rule) }));
    });

  return { plan, setPlan, word, setWord, error, busy, run };
}

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
  const [rule, setRule] = useState<RuleFieldsValue>(DEFAULT_RULE);
  const prune = usePrune(profileId, rule, opened, onPruned);
  const { plan, word, busy, error } = prune;

  return (
    <Modal opened={opened} onClose={onClose} title="Retention" size="lg" data-testid="backup-prune-modal">
      <Stack gap="sm">
        <RuleFields
          value={rule}
          hasRemote={hasRemote}
          onChange={(r) => {
            // A changed rule makes the shown preview stale.
            setRule(r);
            prune.setPlan(null);
          }}
        />
        <Text size="xs" c="dimmed">
          A backup is kept when either rule keeps it. Incomplete or corrupt files do not count toward “the last N”. Whatever the
          rules say, the newest backup that passed verify or a test restore is kept, and so is the pre-restore backup of a restore
          that can still be rolled back.
        </Text>
        <Group>
          <Button
            variant="light"
            onClick={() => prune.run(false)}
            loading={busy && !plan}
            disabled={rule.keepLast === '' && rule.keepDays === ''}
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
                onChange={(e) => prune.setWord(e.currentTarget.value)}
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
            onClick={() => prune.run(true)}
            data-testid="backup-prune-apply"
          >
            Delete {plan?.remove.length ?? 0} backup(s)
          </Button>
        </ModalActions>
      </Stack>
    </Modal>
  );
}
