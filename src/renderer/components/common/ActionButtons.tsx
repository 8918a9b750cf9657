import { Button, type ButtonProps, Group } from '@mantine/core';
import type { ReactNode } from 'react';

export interface ButtonAction {
  label: ReactNode;
  testId: string;
  onClick(): void;
  icon?: ReactNode;
  /** A destructive action: red and light, set apart from the neutral ones. */
  danger?: boolean;
  disabled?: boolean;
}

interface ActionButtonsProps {
  actions: readonly ButtonAction[];
  size: ButtonProps['size'];
}

/** A row of small actions on one thing (edit, duplicate, delete; mark read, delete selected), described as data. */
export function ActionButtons({ actions, size }: ActionButtonsProps) {
  return (
    <Group gap="xs">
      {actions.map((a) => (
        <Button
          key={a.testId}
          size={size}
          variant={a.danger ? 'light' : 'default'}
          color={a.danger ? 'red' : undefined}
          leftSection={a.icon}
          disabled={a.disabled}
          onClick={a.onClick}
          data-testid={a.testId}
        >
          {a.label}
        </Button>
      ))}
    </Group>
  );
}
