import { Alert, Button, Checkbox, Code, Group, Modal, Stack, Text } from '@mantine/core';
import { ShieldAlert, ShieldQuestion } from 'lucide-react';
import { useState } from 'react';
import type { HostKeyCheck } from '../../../shared/contract/connections';

interface HostKeyDialogProps {
  check: HostKeyCheck;
  busy: boolean;
  /** Unknown key: pin it. */
  onTrust(): void;
  /** Changed key: forget the pinned one (after the person confirmed the change out of band). */
  onForget(): void;
  onCancel(): void;
}

function where(c: HostKeyCheck): string {
  return c.port === 22 ? c.host : `[${c.host}]:${c.port}`;
}

/**
 * First contact: show the SHA-256 fingerprint and ask, like OpenSSH does. A changed key is a warning
 * with both fingerprints; it can only be forgotten after ticking that the change was confirmed.
 */
export function HostKeyDialog({ check, busy, onTrust, onForget, onCancel }: HostKeyDialogProps) {
  const [confirmed, setConfirmed] = useState(false);
  const changed = check.status !== 'unknown';
  return (
    <Modal
      opened
      onClose={onCancel}
      title={changed ? 'Host key changed' : 'Unknown SSH host key'}
      size="lg"
      data-testid="hostkey-dialog"
    >
      <Stack>
        {changed ? (
          <Alert color="red" icon={<ShieldAlert size={18} />} data-testid="hostkey-changed">
            <Text size="sm">
              The server {where(check)} now presents a different {check.keyType} key than the one trusted
              {check.source === 'openssh' ? ' in ~/.ssh/known_hosts' : ''}. Someone may be intercepting the connection, or the
              server was reinstalled. Do not continue until the server's administrator confirms the new key.
            </Text>
          </Alert>
        ) : (
          <Alert color="yellow" icon={<ShieldQuestion size={18} />}>
            <Text size="sm">
              This is the first connection to {where(check)}. Compare the fingerprint below with the server's own (
              <Code>ssh-keygen -lf /etc/ssh/ssh_host_{check.keyType.replace(/^ssh-/, '').replace(/-.*/, '')}_key.pub</Code>)
              before trusting it.
            </Text>
          </Alert>
        )}
        {changed && (
          <div>
            <Text size="sm" c="dimmed">
              Trusted fingerprint
            </Text>
            <Code block data-testid="hostkey-known-fingerprint">
              {check.knownFingerprint}
            </Code>
          </div>
        )}
        <div>
          <Text size="sm" c="dimmed">
            {changed ? 'Fingerprint the server presents now' : `${check.keyType} key fingerprint`}
          </Text>
          <Code block fz="md" data-testid="hostkey-fingerprint">
            {check.fingerprint}
          </Code>
        </div>
        {changed && check.source === 'app' && (
          <Checkbox
            data-testid="hostkey-confirm-change"
            label="The server administrator confirmed that the host key was replaced"
            checked={confirmed}
            onChange={(e) => setConfirmed(e.currentTarget.checked)}
          />
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel} data-testid="hostkey-cancel">
            Cancel
          </Button>
          {!changed && (
            <Button onClick={onTrust} loading={busy} data-testid="hostkey-trust">
              Trust this key
            </Button>
          )}
          {changed && check.source === 'app' && (
            <Button color="red" disabled={!confirmed} onClick={onForget} loading={busy} data-testid="hostkey-forget">
              Forget the old key
            </Button>
          )}
        </Group>
      </Stack>
    </Modal>
  );
}
