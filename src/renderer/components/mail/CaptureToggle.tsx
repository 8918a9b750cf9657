import { Alert, Badge, Group, NumberInput, Switch, Text } from '@mantine/core';
import { useState } from 'react';
import type { CaptureStatus } from '../../../shared/contract/index';
import { call } from '../../api';
import { useInlineErrorAction } from '../common/useInlineErrorAction';

interface Props {
  status: CaptureStatus | undefined;
  onChange(status: CaptureStatus): void;
}

function PortInput({
  label,
  value,
  onChange,
  testId,
}: {
  label: string;
  value: number;
  onChange(port: number): void;
  testId: string;
}) {
  return (
    <NumberInput
      size="xs"
      w={110}
      label={label}
      min={0}
      max={65535}
      value={value}
      onChange={(v) => onChange(Number(v) || 0)}
      data-testid={testId}
    />
  );
}

/**
 * Start/stop the built-in capture (SMTP sink + Mailpit-compatible API on 127.0.0.1). Mailpit's ports are the
 * defaults so a SysNDD dev stack pointed at 1025 works unchanged; pick others when a Mailpit already runs.
 */
export function CaptureToggle({ status, onChange }: Props) {
  const [smtpPort, setSmtpPort] = useState<number>(1025);
  const [httpPort, setHttpPort] = useState<number>(8025);
  const { busy, error, run } = useInlineErrorAction();
  const running = Boolean(status?.running);

  const toggle = (on: boolean) =>
    run(async () => {
      onChange(on ? await call('mail.capture.start', { smtpPort, httpPort }) : await call('mail.capture.stop', {}));
    });

  return (
    <Group gap="sm" align="center" data-testid="mail-capture">
      <Switch
        label="Built-in capture"
        checked={running}
        disabled={busy}
        onChange={(e) => void toggle(e.currentTarget.checked)}
        data-testid="mail-capture-toggle"
      />
      {running && status ? (
        <>
          <Badge color="teal" variant="light" data-testid="mail-capture-running">
            SMTP {status.host}:{status.smtpPort}
          </Badge>
          <Text size="xs" c="dimmed" data-testid="mail-capture-url">
            API {status.url} · {status.stored} stored · max {Math.round(status.maxMessageBytes / 1024 / 1024)} MiB per mail
          </Text>
        </>
      ) : (
        <>
          <PortInput label="SMTP port" value={smtpPort} onChange={setSmtpPort} testId="mail-capture-smtp-port" />
          <PortInput label="API port" value={httpPort} onChange={setHttpPort} testId="mail-capture-http-port" />
        </>
      )}
      {error && (
        <Alert color="red" py={4} data-testid="mail-capture-error">
          {error}
        </Alert>
      )}
    </Group>
  );
}
