import { Button, EmptyState, Grid, Group, Stack, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Cable, FileInput, Plus, Upload } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { Profile } from '../../shared/contract/profiles';
import { DeleteProfileModal } from '../components/connections/DeleteProfileModal';
import { emptyForm, type FormValues, formFromProfile } from '../components/connections/formModel';
import { ProfileDetails } from '../components/connections/ProfileDetails';
import { ProfileForm } from '../components/connections/ProfileForm';
import { ProfileList } from '../components/connections/ProfileList';
import { ExportProfilesButton, ImportProfilesModal } from '../components/connections/ProfileTransfer';
import { SshConfigImportModal } from '../components/connections/SshConfigImportModal';
import { SandboxPanel } from '../components/sandbox/SandboxPanel';
import { useAppStore } from '../state/appStore';

type Editor = { title: string; initial: FormValues; editing: Profile | null; duplicateOf?: Profile };

/** The one dialog the page shows at a time. */
type Dialog =
  | { kind: 'editor'; editor: Editor }
  | { kind: 'delete'; profile: Profile }
  | { kind: 'ssh-import' }
  | { kind: 'json-import' };

const newProfile = (): Dialog => ({ kind: 'editor', editor: { title: 'New profile', initial: emptyForm(), editing: null } });
const editProfile = (p: Profile): Dialog => ({
  kind: 'editor',
  editor: { title: `Edit "${p.name}"`, initial: formFromProfile(p), editing: p },
});
const duplicateProfile = (p: Profile): Dialog => ({
  kind: 'editor',
  editor: { title: `Duplicate "${p.name}"`, initial: formFromProfile(p, `${p.name} copy`), editing: null, duplicateOf: p },
});

/** The profile the page shows: the header switcher's choice when it changes, else the first one. */
function useShownProfile(profiles: Profile[]) {
  const currentProfileId = useAppStore((s) => s.currentProfileId);
  const [selectedId, setSelectedId] = useState<string | null>(currentProfileId);
  const selected = profiles.find((p) => p.id === selectedId) ?? null;
  // The list follows the header's switcher: choosing a profile there shows it here.
  useEffect(() => {
    if (currentProfileId) setSelectedId(currentProfileId);
  }, [currentProfileId]);
  useEffect(() => {
    if (!selected && profiles.length) setSelectedId(currentProfileId ?? profiles[0]?.id ?? null);
  }, [profiles, selected, currentProfileId]);
  return { selected, selectedId, setSelectedId };
}

function ConnectionsToolbar({ onOpen }: { onOpen(dialog: Dialog): void }) {
  return (
    <Group justify="space-between">
      <Title order={2}>Connections</Title>
      <Group gap="xs">
        <Button leftSection={<Plus size={16} />} onClick={() => onOpen(newProfile())} data-testid="connections-new">
          New profile
        </Button>
        <Button
          variant="default"
          leftSection={<FileInput size={16} />}
          onClick={() => onOpen({ kind: 'ssh-import' })}
          data-testid="connections-import-ssh"
        >
          Import ~/.ssh/config
        </Button>
        <ExportProfilesButton />
        <Button
          variant="default"
          leftSection={<Upload size={16} />}
          onClick={() => onOpen({ kind: 'json-import' })}
          data-testid="connections-import-json"
        >
          Import JSON
        </Button>
      </Group>
    </Group>
  );
}

/** The open dialog; whatever it saves, deletes or imports reloads the profiles. */
function ConnectionsDialog({
  dialog,
  onClose,
  onSelect,
}: {
  dialog: Dialog;
  onClose(): void;
  onSelect(id: string | null): void;
}) {
  const loadProfiles = useAppStore((s) => s.loadProfiles);
  const closeAndReload = async () => {
    onClose();
    await loadProfiles();
  };
  switch (dialog.kind) {
    case 'editor':
      return (
        <ProfileForm
          {...dialog.editor}
          onClose={onClose}
          onSaved={async (p) => {
            await closeAndReload();
            onSelect(p.id);
            notifications.show({ color: 'green', message: `Saved "${p.name}".` });
          }}
        />
      );
    case 'delete':
      return (
        <DeleteProfileModal
          profile={dialog.profile}
          onClose={onClose}
          onDeleted={() => {
            onSelect(null);
            void closeAndReload();
          }}
        />
      );
    case 'ssh-import':
      return (
        <SshConfigImportModal
          onClose={onClose}
          onImported={async (n) => {
            await closeAndReload();
            notifications.show({ color: 'green', message: `Imported ${n} profile(s) from the SSH config.` });
          }}
        />
      );
    case 'json-import':
      return <ImportProfilesModal onClose={onClose} onImported={() => void loadProfiles()} />;
  }
}

/** Connection profiles: list, create/edit/duplicate/delete, the staged test, imports and exports. */
export function ConnectionsPage() {
  const profiles = useAppStore((s) => s.profiles);
  const { selected, selectedId, setSelectedId } = useShownProfile(profiles);
  const [dialog, setDialog] = useState<Dialog | null>(null);

  return (
    <Stack>
      <ConnectionsToolbar onOpen={setDialog} />
      {profiles.length === 0 ? (
        <Stack>
          <EmptyState
            icon={<Cable size={28} />}
            title="No connection profiles yet"
            description="Create one for your SysNDD database (directly or through an SSH bastion), import hosts from ~/.ssh/config, or start a local sandbox."
            data-testid="connections-empty"
          />
          <SandboxPanel onReady={setSelectedId} />
        </Stack>
      ) : (
        <Grid>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <Stack>
              <ProfileList profiles={profiles} selectedId={selectedId} onSelect={setSelectedId} />
              <SandboxPanel onReady={setSelectedId} />
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 8 }}>
            {selected && (
              <ProfileDetails
                profile={selected}
                onEdit={() => setDialog(editProfile(selected))}
                onDuplicate={() => setDialog(duplicateProfile(selected))}
                onDelete={() => setDialog({ kind: 'delete', profile: selected })}
              />
            )}
          </Grid.Col>
        </Grid>
      )}
      {dialog && <ConnectionsDialog dialog={dialog} onClose={() => setDialog(null)} onSelect={setSelectedId} />}
    </Stack>
  );
}
