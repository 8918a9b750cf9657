import { Alert, Button, Modal, Stack, TextInput } from '@mantine/core';
import { TriangleAlert } from 'lucide-react';
import { type ReactNode, useEffect, useState } from 'react';
import { ModalActions } from '../common/ModalActions';

export interface TypedConfirmModalProps {
  opened: boolean;
  title: string;
  children: ReactNode;
  actionLabel: string;
  /** The word to type: each action has its own, so one typed from habit does not do another. */
  word: string;
  busy: boolean;
  onClose(): void;
  onConfirm(token: string): void;
}

/** Rollback (ROLLBACK) and discard (DROP) change live data too: a typed word, checked again by the main process. */
export function TypedConfirmModal({
  opened,
  title,
  children,
  actionLabel,
  word,
  busy,
  onClose,
  onConfirm,
}: TypedConfirmModalProps) {
  const [typed, setTyped] = useState('');
  useEffect(() => {
    if (opened) setTyped('');
  }, [opened]);
  return (
    <Modal opened={opened} onClose={onClose} title={title} data-testid="restore-typed-modal">
      <Stack gap="sm">
        <Alert color="yellow" icon={<TriangleAlert size={16} />}>
          {children}
        </Alert>
        <TextInput
          label={`Type ${word} to confirm`}
          value={typed}
          onChange={(e) => setTyped(e.currentTarget.value)}
          autoComplete="off"
          spellCheck={false}
          data-testid="restore-typed-input"
        />
        <ModalActions onCancel={onClose}>
          <Button
            color="red"
            disabled={typed !== word}
            loading={busy}
            onClick={() => onConfirm(typed)}
            data-testid="restore-typed-submit"
          >
            {actionLabel}
          </Button>
        </ModalActions>
      </Stack>
    </Modal>
  );
}
