import { TextInput } from '@mantine/core';
import { Search } from 'lucide-react';

interface FilterTextInputProps {
  value: string;
  onChange(text: string): void;
  placeholder: string;
  width: number;
  testId: string;
  label?: string;
  /** 'xs' inside a compact picker (with a smaller icon); the default size elsewhere. */
  size?: 'xs';
}

/** The text box that narrows a list to what matches (a table's rows, backups by name, tables to restore). */
export function FilterTextInput({ value, onChange, placeholder, width, testId, label, size }: FilterTextInputProps) {
  return (
    <TextInput
      size={size}
      label={label}
      placeholder={placeholder}
      leftSection={<Search size={size === 'xs' ? 12 : 14} />}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      w={width}
      data-testid={testId}
    />
  );
}
