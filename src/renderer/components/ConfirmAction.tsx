import { Alert, Button, Modal, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { TriangleAlert } from 'lucide-react';
import { type ReactNode, useState } from 'react';
import type { ArgsIn, OperationName, ResultOf } from '../../shared/contract/index';
import { call, errorMessage } from '../api';
import { ModalActions } from './common/ModalActions';

interface Pending {
  title: string;
  /** The main process's explanation of what would happen (safety.check: read-only, never audited). */
  message: string;
  /** Production (or migrations a restore rewound): the database name to type; the reason why. */
  typeToConfirm: string | null;
  reason: string | null;
  run(confirm: string | true): Promise<void>;
}

export interface ConfirmedActionOptions {
  /** Where a failure goes (e.g. a form's own error line); by default a red notification. */
  onError?(title: string, err: unknown): void;
}

/**
 * Guarded actions (migrations, repairs, a profile leaving production): ask the main process what the call
 * needs (safety.check — reads only, writes no audit row, so opening and closing this dialog leaves no
 * trace), show its explanation, and only on the person's confirmation call with `confirm` (the typed
 * database name or word, or true). Dispatch checks it again. Calls that need nothing run at once.
 */
export function useConfirmedAction(options: ConfirmedActionOptions = {}): {
  run<K extends OperationName>(name: K, args: ArgsIn<K>, title: string, onDone: (value: ResultOf<K>) => void): Promise<void>;
  modal: ReactNode;
} {
  const [pending, setPending] = useState<Pending | null>(null);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const fail = (title: string, err: unknown) =>
    options.onError
      ? options.onError(title, err)
      : notifications.show({ color: 'red', title: `${title} failed`, message: errorMessage(err) });

  async function run<K extends OperationName>(name: K, args: ArgsIn<K>, title: string, onDone: (value: ResultOf<K>) => void) {
    try {
      const check = await call('safety.check', { operation: name, args: args as Record<string, unknown> });
      const required = check.required;
      if (!required) {
        onDone(await call(name, args));
        return;
      }
      setTyped('');
      setPending({
        title,
        message: check.explanation ?? check.message ?? title,
        typeToConfirm: required.kind === 'database' ? required.database : required.kind === 'word' ? required.word : null,
        reason: required.kind === 'database' ? required.reason : null,
        run: async (confirm) => onDone(await call(name, { ...args, confirm } as ArgsIn<K>)),
      });
    } catch (err) {
      fail(title, err);
    }
  }

  async function confirm() {
    if (!pending) return;
    setBusy(true);
    try {
      await pending.run(pending.typeToConfirm ?? true);
      setPending(null);
    } catch (err) {
      fail(pending.title, err);
    } finally {
      setBusy(false);
    }
  }

  const blocked = pending?.typeToConfirm !== null && pending?.typeToConfirm !== undefined && typed !== pending.typeToConfirm;
  const modal = (
    <Modal opened={pending !== null} onClose={() => setPending(null)} title={pending?.title} data-testid="confirm-modal">
      {pending && (
        <Stack gap="sm">
          <Alert color="yellow" icon={<TriangleAlert size={16} />} data-testid="confirm-message">
            {pending.message}
          </Alert>
          <Text size="sm" c="dimmed">
            This action is recorded in the audit log with your name.
          </Text>
          {pending.typeToConfirm !== null && (
            <TextInput
              label={`${pending.reason ? `${pending.reason}: type` : 'Type'} ${pending.typeToConfirm} to confirm`}
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              data-testid="confirm-type"
            />
          )}
          <ModalActions onCancel={() => setPending(null)} cancelTestId="confirm-cancel">
            <Button color="red" onClick={confirm} loading={busy} disabled={blocked} data-testid="confirm-proceed">
              Proceed
            </Button>
          </ModalActions>
        </Stack>
      )}
    </Modal>
  );
  return { run, modal };
}
