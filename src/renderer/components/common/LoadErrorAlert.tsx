import { Alert, type AlertProps } from '@mantine/core';
import { CircleAlert } from 'lucide-react';
import { errorMessage } from '../../api';

export interface LoadErrorAlertProps extends Omit<AlertProps, 'color' | 'icon' | 'children'> {
  /** What failed, from an error (its message) or already a sentence. */
  error: unknown;
  'data-testid'?: string;
}

/** The red alert a page shows when what it loads (a list, a report) could not be read. */
export function LoadErrorAlert({ error, ...props }: LoadErrorAlertProps) {
  return (
    <Alert color="red" icon={<CircleAlert size={16} />} {...props}>
      {errorMessage(error)}
    </Alert>
  );
}
