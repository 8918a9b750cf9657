import { Anchor, Badge, Button, Divider, Drawer, Group, Indicator, Stack, Text } from '@mantine/core';
import { Activity } from 'lucide-react';
import { useMemo } from 'react';
import { JobProgress } from '../components/JobProgress';
import { navigate } from '../router';
import { isLive, sortJobs, useAppStore } from '../state/appStore';

/** Header button with the number of running jobs; opens the drawer. */
export function JobsDrawerButton() {
  const jobs = useAppStore((s) => s.jobs);
  const open = useAppStore((s) => s.setJobsDrawerOpen);
  const running = useMemo(() => Object.values(jobs).filter(isLive).length, [jobs]);
  return (
    <Indicator label={running} size={18} disabled={running === 0} color="blue" offset={4}>
      <Button
        variant="default"
        leftSection={<Activity size={16} />}
        onClick={() => open(true)}
        data-testid="jobs-drawer-toggle"
        data-running={running}
      >
        Jobs
      </Button>
    </Indicator>
  );
}

/** Live progress of this session's jobs (running first), each with ETA and cancel. */
export function JobsDrawer() {
  const jobs = useAppStore((s) => s.jobs);
  const opened = useAppStore((s) => s.jobsDrawerOpen);
  const setOpen = useAppStore((s) => s.setJobsDrawerOpen);
  const list = useMemo(() => sortJobs(jobs).slice(0, 30), [jobs]);
  const running = list.filter(isLive).length;
  return (
    <Drawer
      opened={opened}
      onClose={() => setOpen(false)}
      position="right"
      size="md"
      title={
        <Group gap="xs">
          <Text fw={600}>Jobs</Text>
          <Badge variant="light" data-testid="jobs-drawer-running">
            {running} running
          </Badge>
        </Group>
      }
      data-testid="jobs-drawer"
    >
      {list.length === 0 ? (
        <Text c="dimmed" size="sm" data-testid="jobs-drawer-empty">
          No jobs in this session yet. Backups, restores, migrations and mail tests run as jobs and show their live progress here;
          you can close this window while they run.
        </Text>
      ) : (
        <Stack gap="md">
          {list.map((job, i) => (
            <Stack key={job.id} gap="md">
              {i > 0 && <Divider />}
              <JobProgress job={job} />
            </Stack>
          ))}
        </Stack>
      )}
      <Group justify="flex-end" mt="lg">
        <Anchor
          component="button"
          size="sm"
          onClick={() => {
            setOpen(false);
            navigate('jobs');
          }}
        >
          Full job history
        </Anchor>
      </Group>
    </Drawer>
  );
}
