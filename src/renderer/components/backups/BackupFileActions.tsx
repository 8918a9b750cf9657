import { Button, Code, CopyButton, Group, Popover, Stack, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { FolderOpen, Save } from 'lucide-react';
import { useEffect, useState } from 'react';
import { type BackupEntry, type JobSnapshot, SavedBackupCopy, type ShowInFolderResult } from '../../../shared/contract/index';
import { call } from '../../api';
import { useAppStore } from '../../state/appStore';
import { whenJobEnds } from '../../state/jobEnd';
import { useBusyAction } from '../common/useBusyAction';

/** Browser mode: the page came from the loopback server (Electron loads its own app:// origin). */
export function isBrowserMode(): boolean {
  return window.location.protocol === 'http:' || window.location.protocol === 'https:';
}

type Door = 'electron' | 'browser';
let doorOnce: Promise<Door> | null = null;

/**
 * Which door serves this page, as the main process says (`system.info`, the About page's "Door"); asked
 * once per page. Until it answers, and if it cannot, the page's own origin decides.
 */
function useDoor(): Door {
  const [door, setDoor] = useState<Door>(isBrowserMode() ? 'browser' : 'electron');
  useEffect(() => {
    doorOnce ??= call('system.info', {})
      .then((info) => (info.door === 'electron' ? 'electron' : 'browser') as Door)
      .catch(() => (isBrowserMode() ? 'browser' : 'electron'));
    let live = true;
    void doorOnce.then((d) => live && setDoor(d));
    return () => {
      live = false;
    };
  }, []);
  return door;
}

/**
 * "Save as…" and "Show in folder" for one backup. Desktop app: the native save dialog (main process), then
 * a job copies the file there and verifies the copy before it gets its name (docs/backups.md, "Save a
 * copy"); the outcome comes as a notification, with "Show in folder" for the copy. Browser mode: a real
 * browser download from a single-use loopback address (the browser asks where), and "Show in folder" shows
 * the folder's path with a Copy button, since a page cannot open a file manager.
 */
export function BackupFileActions({ profileId, entry }: { profileId: string; entry: BackupEntry }) {
  const door = useDoor();
  const location = entry.localPath ? 'local' : 'remote';
  return (
    <>
      {door === 'electron' ? (
        <DesktopSaveAs profileId={profileId} name={entry.name} location={location} />
      ) : (
        <BrowserSaveAs profileId={profileId} name={entry.name} location={location} />
      )}
      {entry.localPath && <ShowInFolderButton door={door} target={{ profileId, name: entry.name }} />}
    </>
  );
}

interface SaveProps {
  profileId: string;
  name: string;
  location: 'local' | 'remote';
}

function BrowserSaveAs({ profileId, name, location }: SaveProps) {
  const { busy, run } = useBusyAction();
  const saveAs = () =>
    run(async () => {
      const t = await call('backups.saveTicket', { profileId, name, location });
      const a = document.createElement('a');
      a.href = t.url;
      a.download = t.fileName;
      a.rel = 'noopener';
      document.body.append(a);
      a.click();
      a.remove();
    }, 'Could not save the backup');
  return <SaveAsButton onClick={saveAs} busy={busy} />;
}

function DesktopSaveAs({ profileId, name, location }: SaveProps) {
  const upsertJob = useAppStore((s) => s.upsertJob);
  const { busy: asking, run } = useBusyAction();
  const [jobId, setJobId] = useState<string | null>(null);
  const running = useAppStore((s) => (jobId ? !s.jobs[jobId]?.finishedAt : false));

  const saveAs = () =>
    run(async () => {
      const started = await call('backups.saveCopy', { profileId, name, location });
      if (started.job) {
        upsertJob(started.job);
        setJobId(started.job.id);
        // Outside this drawer's lifetime: closing it while the copy runs must not swallow the outcome.
        whenJobEnds(started.job.id, notifyCopyEnded);
      }
    }, 'Could not save the backup');
  return <SaveAsButton onClick={saveAs} busy={asking || running} />;
}

/** The copy job's end: where the verified copy is, or why there is none. */
function notifyCopyEnded(job: JobSnapshot): void {
  const saved = SavedBackupCopy.safeParse(job.result);
  if (job.state === 'succeeded' && saved.success) notifySaved(saved.data);
  else
    notifications.show({
      color: job.state === 'cancelled' ? 'gray' : 'red',
      title: job.state === 'cancelled' ? 'Saving the copy was cancelled' : 'The copy was not saved',
      message: job.error ? `${job.error.code}: ${job.error.message}` : `The job ended ${job.state}.`,
      autoClose: false,
    });
}

function notifySaved(copy: SavedBackupCopy): void {
  const how =
    copy.check === 'manifest'
      ? `${copy.members} members match the manifest`
      : copy.check === 'gzip'
        ? 'gzip stream complete'
        : 'bytes match the source';
  notifications.show({
    color: 'green',
    title: 'Copy saved and verified',
    autoClose: false,
    message: (
      <Stack gap={4}>
        <Text size="sm" data-testid="backup-saved-path">
          {copy.path}
        </Text>
        <Text size="xs" c="dimmed">
          {how}; SHA-256 {copy.sha256.slice(0, 16)}…
        </Text>
        <Group>
          <ShowInFolderButton door="electron" target={{ savedPath: copy.path }} />
        </Group>
      </Stack>
    ),
  });
}

function SaveAsButton({ onClick, busy }: { onClick: () => void; busy: boolean }) {
  return (
    <Button leftSection={<Save size={16} />} variant="default" onClick={onClick} loading={busy} data-testid="backup-save-as">
      Save as…
    </Button>
  );
}

type FolderTarget = { profileId: string; name: string } | { savedPath: string };

/** Desktop: the file manager opens on the file. Browser: the folder's path, to copy (nothing is opened). */
function ShowInFolderButton({ door, target }: { door: Door; target: FolderTarget }) {
  const [shown, setShown] = useState<ShowInFolderResult | null>(null);
  const { busy, run } = useBusyAction();
  const show = () =>
    run(async () => {
      const r = await call('backups.showInFolder', target);
      setShown(r.shown ? null : r);
    }, 'Could not show the folder');
  return (
    <Popover opened={shown !== null} onChange={(open) => !open && setShown(null)} position="bottom" withArrow>
      <Popover.Target>
        <Button
          leftSection={<FolderOpen size={16} />}
          variant="default"
          onClick={show}
          loading={busy}
          data-testid="backup-show-in-folder"
        >
          {door === 'electron' ? 'Show in folder' : 'Show folder'}
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap="xs" maw={480}>
          <Text size="sm">The browser cannot open a file manager. The backup is in this folder:</Text>
          <Code block data-testid="backup-folder-path">
            {shown?.folder}
          </Code>
          <Group justify="flex-end" gap="xs">
            <CopyButton value={shown?.folder ?? ''}>
              {({ copied, copy }) => (
                <Button size="xs" variant="default" onClick={copy} data-testid="backup-folder-copy">
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
            <Button size="xs" variant="subtle" onClick={() => setShown(null)}>
              Close
            </Button>
          </Group>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}
