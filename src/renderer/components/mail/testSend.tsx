import { TextInput } from '@mantine/core';
import { useState } from 'react';
import type { ArgsIn, MailSendResult } from '../../../shared/contract/index';
import { call } from '../../api';

/** One address, no blanks: what the send buttons wait for before they enable (the main process checks it fully). */
export function looksLikeAddress(to: string): boolean {
  return /^[^\s@]+@[^\s@]+$/.test(to.trim());
}

/** Where a test mail goes: the same field for the SMTP test mail and a template sent as a test. */
export function RecipientInput({
  label,
  value,
  onChange,
  testId,
}: {
  label: string;
  value: string;
  onChange(value: string): void;
  testId: string;
}) {
  return (
    <TextInput
      label={label}
      placeholder="you@example.org"
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      w={260}
      data-testid={testId}
    />
  );
}

/**
 * Send one mail (mail.send) and keep what it answered. The caller says how a failure is shown: the SMTP
 * panel keeps one error for all its actions, the templates panel its own.
 */
export function useMailSend(onFailure: { clear(): void; set(err: unknown): void }) {
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState<MailSendResult | null>(null);
  async function send(args: ArgsIn<'mail.send'>) {
    setSending(true);
    onFailure.clear();
    setSent(null);
    try {
      setSent(await call('mail.send', args));
    } catch (err) {
      onFailure.set(err);
    } finally {
      setSending(false);
    }
  }
  return { send, sending, sent };
}
