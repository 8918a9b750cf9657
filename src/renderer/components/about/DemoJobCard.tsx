import { Button, Card, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Play } from 'lucide-react';
import { useState } from 'react';
import { call, errorMessage } from '../../api';
import { useAppStore } from '../../state/appStore';

/** A harmless job that shows the progress bar, ETA and cancel button; handy when checking a new install. */
export function DemoJobCard() {
  const [starting, setStarting] = useState(false);
  const openDrawer = useAppStore((s) => s.setJobsDrawerOpen);
  const upsertJob = useAppStore((s) => s.upsertJob);
  async function runDemo() {
    setStarting(true);
    try {
      upsertJob(await call('jobs.demo', { steps: 100, stepMs: 150 }));
      openDrawer(true);
    } catch (err) {
      notifications.show({ color: 'red', title: 'Could not start the demo job', message: errorMessage(err) });
    } finally {
      setStarting(false);
    }
  }
  return (
    <Card withBorder>
      <Text fw={600} mb="xs">
        Jobs
      </Text>
      <Text size="sm" c="dimmed" mb="sm">
        Long operations (backups, restores, migrations, test mails) run as jobs with live progress, an estimate of the time left
        and a cancel button. A harmless demo job shows how that looks.
      </Text>
      <Button leftSection={<Play size={16} />} loading={starting} onClick={runDemo} data-testid="about-run-demo">
        Run a demo job
      </Button>
    </Card>
  );
}
