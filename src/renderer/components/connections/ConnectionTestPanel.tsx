import { Alert, Button, Group, Stack, Text } from '@mantine/core';
import { PlugZap } from 'lucide-react';
import { useEffect, useState } from 'react';
import type { ConnectionTestReport, HostKeyCheck } from '../../../shared/contract/connections';
import type { Profile } from '../../../shared/contract/profiles';
import { call, errorMessage } from '../../api';
import { HostKeyDialog } from './HostKeyDialog';
import { TestReport } from './TestReport';

/** The host key that stopped a test, if a person can act on it here. */
function blockingKey(r: ConnectionTestReport): HostKeyCheck | null {
  if (r.failure?.code !== 'HOST_KEY_UNKNOWN' && r.failure?.code !== 'HOST_KEY_CHANGED') return null;
  return r.hostKeys.find((k) => k.status !== 'trusted') ?? null;
}

/** The staged test of one profile, and the host key a person is asked about when the test stops at it. */
function useConnectionTest(profile: Profile) {
  const [report, setReport] = useState<ConnectionTestReport | null>(null);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [hostKey, setHostKey] = useState<HostKeyCheck | null>(null);
  const [busy, setBusy] = useState(false);

  // A report belongs to one profile; switching profiles starts clean.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset exactly when the profile changes.
  useEffect(() => {
    setReport(null);
    setError(null);
    setHostKey(null);
  }, [profile.id]);

  async function run() {
    setRunning(true);
    setError(null);
    try {
      const r = await call('connections.test', { profileId: profile.id });
      setReport(r);
      setHostKey(blockingKey(r));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setRunning(false);
    }
  }

  /** Trust or forget the asked-about key, then test again. */
  async function act(fn: () => Promise<unknown>) {
    setBusy(true);
    try {
      await fn();
      setHostKey(null);
      await run();
    } catch (err) {
      setError(errorMessage(err));
      setHostKey(null);
    } finally {
      setBusy(false);
    }
  }

  return { report, running, error, hostKey, setHostKey, busy, run, act };
}

/** "Test connection" with the staged report and the first-contact host key dialog. */
export function ConnectionTestPanel({ profile }: { profile: Profile }) {
  const { report, running, error, hostKey, setHostKey, busy, run, act } = useConnectionTest(profile);
  return (
    <Stack gap="sm">
      <Group>
        <Button leftSection={<PlugZap size={16} />} onClick={run} loading={running} data-testid="connection-test-button">
          Test connection
        </Button>
        <Text size="sm" c="dimmed">
          Runs every stage on fresh connections: {profile.ssh ? 'SSH, host key, forward, ' : ''}MySQL handshake, login, SELECT 1
          and checks.
        </Text>
      </Group>
      {error && (
        <Alert color="red" data-testid="connection-test-error">
          {error}
        </Alert>
      )}
      {report && <TestReport report={report} />}
      {hostKey && (
        <HostKeyDialog
          check={hostKey}
          busy={busy}
          onCancel={() => setHostKey(null)}
          onTrust={() =>
            act(() =>
              call('connections.trustHostKey', {
                host: hostKey.host,
                port: hostKey.port,
                keyType: hostKey.keyType,
                fingerprint: hostKey.fingerprint,
              }),
            )
          }
          onForget={() => act(() => call('connections.knownHosts.forget', { host: hostKey.host, port: hostKey.port }))}
        />
      )}
    </Stack>
  );
}
