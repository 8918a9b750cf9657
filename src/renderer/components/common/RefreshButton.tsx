import { Button, type ButtonProps } from '@mantine/core';
import { RefreshCw } from 'lucide-react';
import type { ReactNode } from 'react';

interface RefreshButtonProps {
  onClick(): void;
  loading: boolean;
  testId?: string;
  /** What the button says; "Refresh" unless the place words it differently ("Check now"). */
  label?: ReactNode;
  size?: ButtonProps['size'];
  /** 14 beside compact controls and inside cards, 16 in a page header. */
  iconSize?: number;
  variant?: ButtonProps['variant'];
  style?: ButtonProps['style'];
}

/** Reloads what a page or panel shows: the same icon and spinner wherever a list or a check can be fetched again. */
export function RefreshButton({
  onClick,
  loading,
  testId,
  label = 'Refresh',
  size,
  iconSize = 16,
  variant = 'default',
  style,
}: RefreshButtonProps) {
  return (
    <Button
      size={size}
      variant={variant}
      leftSection={<RefreshCw size={iconSize} />}
      onClick={onClick}
      loading={loading}
      style={style}
      data-testid={testId}
    >
      {label}
    </Button>
  );
}
