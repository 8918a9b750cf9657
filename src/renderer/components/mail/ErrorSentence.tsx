import { Text } from '@mantine/core';
import { ApiError } from '../../api';
import { invalidArgumentInWords } from '../../issueWords';

/**
 * A failure as a sentence a person reads ("smtp.example.org:587 rejected the login for …. Check the user
 * name …"), with its stable code underneath as a secondary detail for support and scripts.
 */
export function ErrorSentence({ error, testId }: { error: unknown; testId?: string }) {
  const code = error instanceof ApiError ? error.code : null;
  const words = error instanceof ApiError && error.code === 'INVALID_ARGUMENT' ? invalidArgumentInWords(error.details) : null;
  const message = words ?? (error instanceof Error ? error.message : String(error));
  return (
    <div data-testid={testId}>
      <Text size="sm">{message}</Text>
      {code && (
        <Text size="xs" c="dimmed" mt={2} data-testid={testId ? `${testId}-code` : undefined}>
          Code {code}
        </Text>
      )}
    </div>
  );
}
