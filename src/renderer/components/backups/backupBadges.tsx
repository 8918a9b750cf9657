import { Badge, Group, Text, Tooltip } from '@mantine/core';
import { CloudDownload, HardDrive, Lock, Server, ShieldAlert, ShieldCheck, ShieldQuestion } from 'lucide-react';
import type { BackupEntry } from '../../../shared/contract/index';
import { formatDateTime } from '../../format';

/** Where a backup lives: this computer, the SSH host's backup folder, or both (same content). */
export function LocationBadge({ location }: { location: BackupEntry['location'] }) {
  const icon =
    location === 'local' ? <HardDrive size={12} /> : location === 'remote' ? <Server size={12} /> : <CloudDownload size={12} />;
  const color = location === 'both' ? 'teal' : location === 'local' ? 'blue' : 'gray';
  return (
    <Badge variant="light" color={color} leftSection={icon} data-testid="backup-location">
      {location}
    </Badge>
  );
}

const STATUS_TEXT: Record<BackupEntry['status'], string> = {
  complete: 'The end marker (or the dump tool’s completion line) is present.',
  incomplete: 'The file was cut short: no end marker. It must not be restored.',
  corrupt: 'The file was altered: its hashes do not match.',
  unknown: 'Not read yet (a remote plain dump is only scanned once downloaded).',
};

export function StatusBadge({ status }: { status: BackupEntry['status'] }) {
  const color = status === 'complete' ? 'green' : status === 'unknown' ? 'gray' : 'red';
  return (
    <Tooltip label={STATUS_TEXT[status]} withArrow>
      <Badge variant={status === 'complete' ? 'light' : 'filled'} color={color} data-testid="backup-status" data-status={status}>
        {status}
      </Badge>
    </Tooltip>
  );
}

/** "verified" only after a check passed; a restore test outranks a structure check. The date shows beside it (one line in a table row). */
export function VerifiedBadge({ verified }: { verified: BackupEntry['verified'] }) {
  if (!verified) return null;
  const label = verified.ok ? (verified.level === 'restore' ? 'restore-tested' : 'verified') : 'failed';
  return (
    <Tooltip label={`${formatDateTime(verified.at)} — ${verified.message}`} multiline w={320} withArrow>
      <Group gap={6} wrap="nowrap">
        <Badge
          variant="light"
          color={verified.ok ? (verified.level === 'restore' ? 'green' : 'teal') : 'red'}
          leftSection={verified.ok ? <ShieldCheck size={12} /> : <ShieldAlert size={12} />}
          data-testid="backup-verified"
          data-level={verified.level}
          data-ok={verified.ok}
        >
          {label}
        </Badge>
        <Text fz={10} c="dimmed" data-testid="backup-verified-at">
          {formatDateTime(verified.at).slice(0, 10)}
        </Text>
      </Group>
    </Tooltip>
  );
}

/** Who sealed the backup, in words: "sealed by NAME", "unknown key", "not sealed", "invalid seal". */
export function sealWords(seal: NonNullable<BackupEntry['seal']>): string {
  return seal.state === 'sealed'
    ? `sealed by ${seal.keyName ?? 'a trusted key'}`
    : seal.state === 'unknown-key'
      ? 'unknown key'
      : seal.state === 'invalid'
        ? 'invalid seal'
        : 'not sealed';
}

/** The seal as a badge (sealWords), its summary on hover. */
export function SealBadge({ seal }: { seal: BackupEntry['seal'] }) {
  if (!seal) return null;
  const words = sealWords(seal);
  const color =
    seal.state === 'sealed' ? 'teal' : seal.state === 'invalid' ? 'red' : seal.state === 'unknown-key' ? 'yellow' : 'gray';
  const icon =
    seal.state === 'sealed' ? (
      <ShieldCheck size={12} />
    ) : seal.state === 'invalid' ? (
      <ShieldAlert size={12} />
    ) : (
      <ShieldQuestion size={12} />
    );
  return (
    <Tooltip label={seal.summary} multiline w={320} withArrow>
      <Badge
        variant={seal.state === 'invalid' ? 'filled' : 'light'}
        color={color}
        leftSection={icon}
        data-testid="backup-seal"
        data-state={seal.state}
        style={{ textTransform: 'none', maxWidth: '100%' }}
      >
        {words}
      </Badge>
    </Tooltip>
  );
}

/** An age-encrypted copy: opens only with its identity file or passphrase. */
export function EncryptedBadge({ encrypted }: { encrypted: BackupEntry['encrypted'] }) {
  if (!encrypted) return null;
  return (
    <Tooltip label="Encrypted (age): opens only with its identity file or passphrase" withArrow>
      <Badge
        variant="light"
        color="violet"
        leftSection={<Lock size={11} />}
        data-testid="backup-encrypted"
        style={{ textTransform: 'none' }}
      >
        encrypted
      </Badge>
    </Tooltip>
  );
}
