import { Alert, Button, Code, Group, Popover, Stack, Text, TextInput } from '@mantine/core';
import { UserRound } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { ActorSettings } from '../../shared/contract/index';
import { call } from '../api';
import { useInlineErrorAction } from '../components/common/useInlineErrorAction';

/**
 * Who the audit log names for actions from this machine: the OS account and host (what every door runs
 * as), plus an optional display name the person sets here ("jdoe@laptop (Jane Doe)"). The name is stored
 * in the app data, so the CLI (`sysndd-admin settings display-name`) and the desktop app see the same.
 */
export function ActorMenu() {
  const [actor, setActor] = useState<ActorSettings | null>(null);
  const [name, setName] = useState('');
  const [opened, setOpened] = useState(false);
  const { busy, error, run, clearError } = useInlineErrorAction();

  useEffect(() => {
    call('settings.actor', {})
      .then(setActor)
      .catch(() => setActor(null));
  }, []);

  function open() {
    setName(actor?.displayName ?? '');
    clearError();
    setOpened((o) => !o);
  }

  const save = (displayName: string | null) =>
    run(async () => {
      setActor(await call('settings.setDisplayName', { displayName }));
      setOpened(false);
    });

  const trimmed = name.trim();
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={340} withArrow shadow="md">
      <Popover.Target>
        <Button
          variant="default"
          leftSection={<UserRound size={16} />}
          onClick={open}
          data-testid="actor-menu-open"
          title="Your name in the audit log"
        >
          <Text size="sm" truncate maw={160}>
            {actor ? (actor.displayName ?? actor.osUser) : '…'}
          </Text>
        </Button>
      </Popover.Target>
      <Popover.Dropdown data-testid="actor-menu">
        <Stack gap="xs">
          <Text size="sm">
            The audit log names you as <Code data-testid="actor-current">{actor?.actor ?? '…'}</Code>
          </Text>
          <Text size="xs" c="dimmed">
            The OS account and host come from this computer and cannot be changed here; the display name is added after them.
          </Text>
          <TextInput
            label="Display name"
            placeholder="e.g. Jane Doe"
            value={name}
            maxLength={100}
            onChange={(e) => setName(e.currentTarget.value)}
            onKeyDown={(e) => e.key === 'Enter' && trimmed && void save(trimmed)}
            data-testid="actor-display-name"
          />
          {error && (
            <Alert color="red" p="xs">
              {error}
            </Alert>
          )}
          <Group justify="flex-end" gap="xs">
            {actor?.displayName && (
              <Button variant="subtle" color="gray" size="xs" onClick={() => save(null)} loading={busy} data-testid="actor-clear">
                Remove name
              </Button>
            )}
            <Button
              size="xs"
              onClick={() => save(trimmed)}
              disabled={!trimmed || trimmed === actor?.displayName}
              loading={busy}
              data-testid="actor-save"
            >
              Save
            </Button>
          </Group>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
