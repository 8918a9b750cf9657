import { Select } from '@mantine/core';
import { Database } from 'lucide-react';
import { useMemo } from 'react';
import { useAppStore } from '../state/appStore';

/** Header drop-down of saved profiles; the choice is remembered in localStorage (per door's origin). */
export function ProfileSwitcher() {
  const profiles = useAppStore((s) => s.profiles);
  const currentProfileId = useAppStore((s) => s.currentProfileId);
  const selectProfile = useAppStore((s) => s.selectProfile);
  const data = useMemo(
    () =>
      (['production', 'staging', 'development'] as const)
        .map((env) => ({
          group: env,
          items: profiles.filter((p) => p.environment === env).map((p) => ({ value: p.id, label: p.name })),
        }))
        .filter((g) => g.items.length > 0),
    [profiles],
  );
  return (
    <Select
      aria-label="Connection profile"
      data-testid="profile-switcher"
      w={260}
      size="sm"
      leftSection={<Database size={16} />}
      placeholder={profiles.length ? 'Choose a profile' : 'No profiles yet'}
      disabled={profiles.length === 0}
      data={data}
      value={currentProfileId}
      // Picking the current profile again keeps it (Mantine would otherwise clear the choice, and every page
      // would fall back to "Choose a profile").
      allowDeselect={false}
      onChange={(id) => {
        if (id) selectProfile(id);
      }}
      searchable
      nothingFoundMessage="No profile by that name"
      comboboxProps={{ withinPortal: true }}
    />
  );
}
