import { Button, Group } from '@mantine/core';
import type { ReactNode } from 'react';

export interface ModalActionsProps {
  /** The way out without doing anything: closes the dialog. */
  onCancel(): void;
  /** What the way out says ("Cancel", "Close", "Keep it"). */
  cancelLabel?: string;
  cancelTestId?: string;
  /** The dialog's own action button(s), after the way out. */
  children: ReactNode;
}

/** A dialog's bottom row, right-aligned: the way out first, then what the dialog does. */
export function ModalActions({ onCancel, cancelLabel = 'Cancel', cancelTestId, children }: ModalActionsProps) {
  return (
    <Group justify="flex-end">
      <Button variant="default" onClick={onCancel} data-testid={cancelTestId}>
        {cancelLabel}
      </Button>
      {children}
    </Group>
  );
}
