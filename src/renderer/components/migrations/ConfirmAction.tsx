import { Alert, Button, Group, Modal, Stack, Text, TextInput } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { TriangleAlert } from 'lucide-react';
import { type ReactNode, useState } from 'react';
import type { ArgsIn, OperationName, Profile, ResultOf } from '../../../shared/contract/index';
import { ApiError, call, errorMessage } from '../../api';

interface Pending {
  title: string;
  /** The server's own explanation of what would happen (from CONFIRMATION_REQUIRED). */
  message: string;
  /** Production profiles: the person types the database name to proceed. */
  typeToConfirm: string | null;
  run(): Promise<void>;
}

/**
 * Two-step repair actions: call without `confirm`, show the server's exact explanation, and only on the
 * person's confirmation call again with `confirm: true`. Nothing is written before that.
 */
export function useConfirmedAction(profile: Profile): {
  run<K extends OperationName>(name: K, args: ArgsIn<K>, title: string, onDone: (value: ResultOf<K>) => void): Promise<void>;
  modal: ReactNode;
} {
  const [pending, setPending] = useState<Pending | null>(null);
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);

  async function run<K extends OperationName>(name: K, args: ArgsIn<K>, title: string, onDone: (value: ResultOf<K>) => void) {
    try {
      onDone(await call(name, args));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'CONFIRMATION_REQUIRED') {
        setTyped('');
        setPending({
          title,
          message: err.message.replace(/ Confirm to proceed.*$/, ''),
          typeToConfirm: profile.environment === 'production' ? (profile.mysql.database ?? profile.name) : null,
          run: async () => onDone(await call(name, { ...args, confirm: true } as ArgsIn<K>)),
        });
      } else {
        notifications.show({ color: 'red', title: `${title} failed`, message: errorMessage(err) });
      }
    }
  }

  async function confirm() {
    if (!pending) return;
    setBusy(true);
    try {
      await pending.run();
      setPending(null);
    } catch (err) {
      notifications.show({ color: 'red', title: `${pending.title} failed`, message: errorMessage(err) });
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
              label={`Production: type ${pending.typeToConfirm} to confirm`}
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              data-testid="confirm-type"
            />
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setPending(null)}>
              Cancel
            </Button>
            <Button color="red" onClick={confirm} loading={busy} disabled={blocked} data-testid="confirm-proceed">
              Proceed
            </Button>
          </Group>
        </Stack>
      )}
    </Modal>
  );
  return { run, modal };
}
