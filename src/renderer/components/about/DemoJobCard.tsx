import { Button, Card, Text } from '@mantine/core';
import { Play } from 'lucide-react';
import { call } from '../../api';
import { useAppStore } from '../../state/appStore';
import { useBusyAction } from '../common/useBusyAction';

/** A harmless job that shows the progress bar, ETA and cancel button; handy when checking a new install. */
export function DemoJobCard() {
  const starting = useBusyAction();
  const openDrawer = useAppStore((s) => s.setJobsDrawerOpen);
  const upsertJob = useAppStore((s) => s.upsertJob);
  const runDemo = () =>
    starting.run(async () => {
      upsertJob(await call('jobs.demo', { steps: 100, stepMs: 150 }));
      openDrawer(true);
    }, 'Could not start the demo job');
  return (
    <Card withBorder>
      <Text fw={600} mb="xs">
        Jobs
      </Text>
      <Text size="sm" c="dimmed" mb="sm">
        Long operations (backups, restores, migrations, test mails) run as jobs with live progress, an estimate of the time left
        and a cancel button. A harmless demo job shows how that looks.
      </Text>
      <Button leftSection={<Play size={16} />} loading={starting.busy} onClick={runDemo} data-testid="about-run-demo">
        Run a demo job
      </Button>
    </Card>
  );
}
