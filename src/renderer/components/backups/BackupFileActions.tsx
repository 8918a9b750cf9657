import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Save } from 'lucide-react';
import { useState } from 'react';
import type { BackupEntry } from '../../../shared/contract/index';
import { call, errorMessage } from '../../api';

/** Browser mode: the page came from the loopback server (Electron loads its own app:// origin). */
export function isBrowserMode(): boolean {
  return window.location.protocol === 'http:' || window.location.protocol === 'https:';
}

/**
 * "Save as…" for one backup (local, or remote streamed through the SSH host). In browser mode the file is a
 * real browser download: a token-checked call hands out a single-use address the loopback server streams
 * the file from (src/main/features/backups/remote/saveTickets.ts), so the browser asks where to save it and nothing
 * passes through page memory. The Electron door's native dialog and "Show in folder" are not built yet,
 * so the button shows in browser mode only.
 */
export function BackupFileActions({ profileId, entry }: { profileId: string; entry: BackupEntry }) {
  const [busy, setBusy] = useState(false);
  if (!isBrowserMode()) return null;

  async function saveAs() {
    setBusy(true);
    try {
      const location = entry.localPath ? 'local' : 'remote';
      const t = await call('backups.saveTicket', { profileId, name: entry.name, location });
      const a = document.createElement('a');
      a.href = t.url;
      a.download = t.fileName;
      a.rel = 'noopener';
      document.body.append(a);
      a.click();
      a.remove();
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not save the backup', message: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Button leftSection={<Save size={16} />} variant="default" onClick={saveAs} loading={busy} data-testid="backup-save-as">
      Save as…
    </Button>
  );
}
