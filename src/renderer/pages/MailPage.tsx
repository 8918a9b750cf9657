import { Card, Group, Stack, Tabs, Text, TextInput, Title } from '@mantine/core';
import { Inbox, LayoutTemplate, PlugZap } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import type { CaptureStatus, MailSource, Profile } from '../../shared/contract/index';
import { api, call } from '../api';
import { ChoiceControl } from '../components/common/ChoiceControl';
import { CaptureToggle } from '../components/mail/CaptureToggle';
import { MailViewer } from '../components/mail/MailViewer';
import { SmtpPanel, type SmtpTargetChoice } from '../components/mail/SmtpPanel';
import { TemplatesPanel } from '../components/mail/TemplatesPanel';
import { useCall } from '../hooks/useCall';
import { useCurrentProfile } from '../state/appStore';

type SmtpKind = 'profile' | 'capture';
type SourceKind = 'capture' | 'profile' | 'url';

function profileTarget(profile: Profile | null): SmtpTargetChoice | null {
  if (!profile?.smtp) return null;
  return {
    ref: { profileId: profile.id },
    settings: profile.smtp,
    label: `profile ${profile.name}`,
    passwordSaved: profile.secrets.includes('smtp.password'),
  };
}

function captureTarget(status: CaptureStatus | undefined): SmtpTargetChoice | null {
  if (!status?.running || status.smtpPort === null) return null;
  const settings = { host: status.host, port: status.smtpPort, security: 'none' as const, from: 'noreply@sysndd.local' };
  return { ref: { smtp: settings }, settings, label: 'built-in capture', passwordSaved: false };
}

/**
 * Keeps the capture's "stored" count current. The main process reports new, deleted and emptied mail only
 * for a watched source, so the page watches the capture itself while it runs (not only when the Mailbox tab
 * is open), and reloads the status on `mail.captured` / `mail.changed` for it.
 */
function useCaptureCountLive(status: CaptureStatus | undefined, onStatus: (s: CaptureStatus) => void): void {
  const url = status?.running ? status.url : null;
  useEffect(() => {
    if (!url) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const reload = () =>
      call('mail.capture.status', {})
        .then(onStatus)
        .catch(() => {});
    const off = api.subscribe((event) => {
      if ((event.type === 'mail.captured' || event.type === 'mail.changed') && event.source === 'capture') {
        clearTimeout(timer);
        timer = setTimeout(reload, 100);
      }
    });
    call('mail.messages.watch', { source: { kind: 'capture' } })
      .then(reload)
      .catch(() => {});
    return () => {
      clearTimeout(timer);
      off();
    };
  }, [url, onStatus]);
}

/** Where the Mailbox tab reads from: the profile's Mailpit when it has one, else the capture, or a typed URL. */
function useMailSource(profile: Profile | null, status: CaptureStatus | undefined) {
  const [sourceKind, setSourceKind] = useState<SourceKind>('capture');
  const [url, setUrl] = useState('http://127.0.0.1:8025');
  const profileId = profile?.id ?? null;
  const source = useMemo<MailSource>(() => {
    if (sourceKind === 'profile' && profileId) return { kind: 'profile', profileId };
    if (sourceKind === 'url') return { kind: 'url', url };
    return { kind: 'capture' };
  }, [sourceKind, profileId, url]);
  const sourceLabel =
    sourceKind === 'profile'
      ? `${profile?.name ?? ''} Mailpit (${profile?.mailpit?.url ?? ''})`
      : sourceKind === 'url'
        ? url
        : 'built-in capture';
  const usable = sourceKind !== 'capture' || Boolean(status?.running);
  return { sourceKind, setSourceKind, setUrl, source, sourceLabel, usable };
}

type MailSourceChoice = ReturnType<typeof useMailSource>;

function SendThroughChoice({
  profile,
  status,
  value,
  onChange,
}: {
  profile: Profile | null;
  status: CaptureStatus | undefined;
  value: SmtpKind;
  onChange(kind: SmtpKind): void;
}) {
  return (
    <Group gap="sm" mt="sm">
      <Text size="sm">Send through</Text>
      <ChoiceControl
        size="xs"
        value={value}
        onChange={onChange}
        options={[
          {
            value: 'profile',
            label: profile?.smtp ? `Profile SMTP (${profile.name})` : 'Profile SMTP (not set)',
            disabled: !profile?.smtp,
          },
          {
            value: 'capture',
            label: status?.running ? 'Built-in capture' : 'Built-in capture (stopped)',
            disabled: !status?.running,
          },
        ]}
        testId="mail-smtp-choice"
      />
    </Group>
  );
}

/** The Mailbox tab: choose the source (a typed URL applies on Enter or leaving the field), then its viewer. */
function MailboxTab({ profile, choice }: { profile: Profile | null; choice: MailSourceChoice }) {
  const [urlInput, setUrlInput] = useState('http://127.0.0.1:8025');
  return (
    <Stack gap="sm">
      <Group gap="sm" align="flex-end">
        <ChoiceControl
          size="xs"
          value={choice.sourceKind}
          onChange={choice.setSourceKind}
          options={[
            { value: 'capture', label: 'Built-in capture' },
            {
              value: 'profile',
              label: profile?.mailpit ? "Profile's Mailpit" : "Profile's Mailpit (not set)",
              disabled: !profile?.mailpit,
            },
            { value: 'url', label: 'Mailpit URL' },
          ]}
          testId="mail-source-choice"
        />
        {choice.sourceKind === 'url' && (
          <TextInput
            size="xs"
            w={300}
            value={urlInput}
            onChange={(e) => setUrlInput(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') choice.setUrl(urlInput.trim());
            }}
            onBlur={() => choice.setUrl(urlInput.trim())}
            data-testid="mail-source-url"
          />
        )}
      </Group>
      {choice.usable ? (
        <MailViewer source={choice.source} label={choice.sourceLabel} />
      ) : (
        <Card withBorder data-testid="mail-viewer-idle">
          <Text size="sm" c="dimmed">
            The built-in capture is stopped. Switch it on (top right) to receive mail on 127.0.0.1, or choose a Mailpit.
          </Text>
        </Card>
      )}
    </Stack>
  );
}

/**
 * Mail: check a profile's SMTP server (staged diagnosis, real test mail, round trip), preview and send
 * SysNDD's user mails, and read what was captured in the profile's Mailpit or the built-in capture.
 */
export function MailPage() {
  const profile = useCurrentProfile();
  const statusCall = useCall('mail.capture.status', {});
  const [capture, setCapture] = useState<CaptureStatus | undefined>(undefined);
  const status = capture ?? statusCall.data;
  useCaptureCountLive(status, setCapture);
  const [smtpKind, setSmtpKind] = useState<SmtpKind>('profile');
  const mailbox = useMailSource(profile, status);
  const { setSourceKind } = mailbox;
  const [allowUnverifiedTls, setAllowUnverifiedTls] = useState(false);

  // Prefer what this profile has: its SMTP server and its Mailpit; fall back to the capture. Keyed on the
  // profile and what it offers, not the object: profiles are reloaded on every profiles.changed (any
  // profile, any window), which must not throw away the source a person chose here.
  const profileId = profile?.id ?? null;
  const hasSmtp = Boolean(profile?.smtp);
  const hasMailpit = Boolean(profile?.mailpit);
  // biome-ignore lint/correctness/useExhaustiveDependencies: another profile resets the choice, even one offering the same.
  useEffect(() => {
    setSmtpKind(hasSmtp ? 'profile' : 'capture');
    setSourceKind(hasMailpit ? 'profile' : 'capture');
  }, [profileId, hasSmtp, hasMailpit, setSourceKind]);
  const target = smtpKind === 'profile' ? profileTarget(profile) : captureTarget(status);

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>Mail</Title>
        <CaptureToggle status={status} onChange={setCapture} />
      </Group>
      <Tabs defaultValue="smtp">
        <Tabs.List>
          <Tabs.Tab value="smtp" leftSection={<PlugZap size={14} />} data-testid="mail-tab-smtp">
            SMTP
          </Tabs.Tab>
          <Tabs.Tab value="templates" leftSection={<LayoutTemplate size={14} />} data-testid="mail-tab-templates">
            Templates
          </Tabs.Tab>
          <Tabs.Tab value="mailbox" leftSection={<Inbox size={14} />} data-testid="mail-tab-mailbox">
            Mailbox
          </Tabs.Tab>
        </Tabs.List>
        <SendThroughChoice profile={profile} status={status} value={smtpKind} onChange={setSmtpKind} />
        <Tabs.Panel value="smtp" pt="sm">
          <SmtpPanel
            target={target}
            roundtripSource={mailbox.usable ? mailbox.source : null}
            allowUnverifiedTls={allowUnverifiedTls}
            onAllowUnverifiedTls={setAllowUnverifiedTls}
          />
        </Tabs.Panel>
        <Tabs.Panel value="templates" pt="sm">
          <TemplatesPanel target={target} allowUnverifiedTls={allowUnverifiedTls} />
        </Tabs.Panel>
        <Tabs.Panel value="mailbox" pt="sm">
          <MailboxTab profile={profile} choice={mailbox} />
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
