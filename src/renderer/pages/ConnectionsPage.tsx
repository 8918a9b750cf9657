import { Alert, Button, Card, EmptyState, Grid, Group, Modal, Stack, Text, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Cable, Copy, FileInput, Pencil, Plus, Trash2, Upload } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { Profile } from '../../shared/contract/profiles';
import { call, errorMessage } from '../api';
import { ConnectionStatus } from '../components/connections/ConnectionStatus';
import { ConnectionTestPanel } from '../components/connections/ConnectionTestPanel';
import { emptyForm, type FormValues, formFromProfile } from '../components/connections/formModel';
import { ProfileForm } from '../components/connections/ProfileForm';
import { ProfileList, targetOf } from '../components/connections/ProfileList';
import { ExportProfilesButton, ImportProfilesModal } from '../components/connections/ProfileTransfer';
import { SshConfigImportModal } from '../components/connections/SshConfigImportModal';
import { SandboxPanel } from '../components/sandbox/SandboxPanel';
import { useCall } from '../hooks/useCall';
import { useAppStore } from '../state/appStore';

type Editor = { title: string; initial: FormValues; editing: Profile | null; duplicateOf?: Profile };

/** Remove a profile; a production one only after typing its name. */
function DeleteProfileModal({ profile, onClose, onDeleted }: { profile: Profile; onClose(): void; onDeleted(): void }) {
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const needsName = profile.environment === 'production';
  async function remove() {
    setBusy(true);
    try {
      await call('profiles.remove', { id: profile.id });
      onDeleted();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Modal opened onClose={onClose} title={`Delete "${profile.name}"?`} data-testid="profile-delete-modal">
      <Stack>
        <Text size="sm">The profile and its saved secrets are deleted. Backups and the database itself are not touched.</Text>
        {needsName && (
          <TextInput
            label="Type the profile name to confirm"
            value={typed}
            onChange={(e) => setTyped(e.currentTarget.value)}
            data-testid="profile-delete-name"
          />
        )}
        {error && <Alert color="red">{error}</Alert>}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>
            Cancel
          </Button>
          <Button
            color="red"
            onClick={remove}
            loading={busy}
            disabled={needsName && typed !== profile.name}
            data-testid="profile-delete-confirm"
          >
            Delete
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

function ProfileDetails({
  profile,
  onEdit,
  onDuplicate,
  onDelete,
}: {
  profile: Profile;
  onEdit(): void;
  onDuplicate(): void;
  onDelete(): void;
}) {
  // Saved secrets on a machine without an OS keyring last only while the app runs: say so here.
  const secretBackend = useCall('system.info', {}).data?.secretBackend;
  const secretsNotKept = profile.secrets.length > 0 && secretBackend?.persistent === false;
  return (
    <Card withBorder data-testid="connections-details" data-profile={profile.name}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <div>
            <Title order={3}>{profile.name}</Title>
            <Text size="sm" c="dimmed">
              {targetOf(profile)} · TLS {profile.mysql.tls}
              {profile.secrets.length ? ` · saved: ${profile.secrets.join(', ')}` : ' · no secrets saved'}
            </Text>
            {secretsNotKept && (
              <Text size="xs" c="orange" data-testid="profile-secrets-not-kept">
                Kept until the app closes only ({secretBackend?.name}: no OS keyring): enter them again with Edit after a restart;
                the CLI asks, or takes MYSQL_PWD / SSH_PASSWORD / SSH_PASSPHRASE / SMTP_PASSWORD.
              </Text>
            )}
          </div>
          <Group gap="xs">
            <Button
              variant="default"
              size="xs"
              leftSection={<Pencil size={14} />}
              onClick={onEdit}
              data-testid="connections-edit"
            >
              Edit
            </Button>
            <Button
              variant="default"
              size="xs"
              leftSection={<Copy size={14} />}
              onClick={onDuplicate}
              data-testid="connections-duplicate"
            >
              Duplicate
            </Button>
            <Button
              variant="light"
              color="red"
              size="xs"
              leftSection={<Trash2 size={14} />}
              onClick={onDelete}
              data-testid="connections-delete"
            >
              Delete
            </Button>
          </Group>
        </Group>
        <ConnectionStatus profileId={profile.id} updatedAt={profile.updatedAt} />
        <ConnectionTestPanel profile={profile} />
      </Stack>
    </Card>
  );
}

/** Connection profiles: list, create/edit/duplicate/delete, the staged test, imports and exports. */
export function ConnectionsPage() {
  const profiles = useAppStore((s) => s.profiles);
  const loadProfiles = useAppStore((s) => s.loadProfiles);
  const currentProfileId = useAppStore((s) => s.currentProfileId);
  const [selectedId, setSelectedId] = useState<string | null>(currentProfileId);
  const [editor, setEditor] = useState<Editor | null>(null);
  const [deleting, setDeleting] = useState<Profile | null>(null);
  const [sshImport, setSshImport] = useState(false);
  const [jsonImport, setJsonImport] = useState(false);
  const selected = profiles.find((p) => p.id === selectedId) ?? null;

  // The list follows the header's switcher: choosing a profile there shows it here.
  useEffect(() => {
    if (currentProfileId) setSelectedId(currentProfileId);
  }, [currentProfileId]);
  useEffect(() => {
    if (!selected && profiles.length) setSelectedId(currentProfileId ?? profiles[0]?.id ?? null);
  }, [profiles, selected, currentProfileId]);

  const saved = async (p: Profile) => {
    setEditor(null);
    await loadProfiles();
    setSelectedId(p.id);
    notifications.show({ color: 'green', message: `Saved "${p.name}".` });
  };

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Connections</Title>
        <Group gap="xs">
          <Button
            leftSection={<Plus size={16} />}
            onClick={() => setEditor({ title: 'New profile', initial: emptyForm(), editing: null })}
            data-testid="connections-new"
          >
            New profile
          </Button>
          <Button
            variant="default"
            leftSection={<FileInput size={16} />}
            onClick={() => setSshImport(true)}
            data-testid="connections-import-ssh"
          >
            Import ~/.ssh/config
          </Button>
          <ExportProfilesButton />
          <Button
            variant="default"
            leftSection={<Upload size={16} />}
            onClick={() => setJsonImport(true)}
            data-testid="connections-import-json"
          >
            Import JSON
          </Button>
        </Group>
      </Group>

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
                onEdit={() =>
                  setEditor({ title: `Edit "${selected.name}"`, initial: formFromProfile(selected), editing: selected })
                }
                onDuplicate={() =>
                  setEditor({
                    title: `Duplicate "${selected.name}"`,
                    initial: formFromProfile(selected, `${selected.name} copy`),
                    editing: null,
                    duplicateOf: selected,
                  })
                }
                onDelete={() => setDeleting(selected)}
              />
            )}
          </Grid.Col>
        </Grid>
      )}

      {editor && <ProfileForm {...editor} onClose={() => setEditor(null)} onSaved={saved} />}
      {deleting && (
        <DeleteProfileModal
          profile={deleting}
          onClose={() => setDeleting(null)}
          onDeleted={async () => {
            setDeleting(null);
            setSelectedId(null);
            await loadProfiles();
          }}
        />
      )}
      {sshImport && (
        <SshConfigImportModal
          onClose={() => setSshImport(false)}
          onImported={async (n) => {
            setSshImport(false);
            await loadProfiles();
            notifications.show({ color: 'green', message: `Imported ${n} profile(s) from the SSH config.` });
          }}
        />
      )}
      {jsonImport && <ImportProfilesModal onClose={() => setJsonImport(false)} onImported={() => void loadProfiles()} />}
    </Stack>
  );
}
