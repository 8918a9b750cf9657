import { Textarea } from '@mantine/core';

export interface AgeRecipientsInputProps {
  /** The keys as typed, one per line. */
  value: string;
  onChange(value: string): void;
  onBlur?(): void;
  error?: string;
  'data-testid': string;
}

/** The age public keys a backup is encrypted to (a copy, or a profile's default), one per line. */
export function AgeRecipientsInput({ value, onChange, ...props }: AgeRecipientsInputProps) {
  return (
    <Textarea
      label="age public keys"
      description="One per line (age-keygen prints them as “public key: age1…”)"
      placeholder="age1…"
      autosize
      minRows={2}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      {...props}
    />
  );
}
