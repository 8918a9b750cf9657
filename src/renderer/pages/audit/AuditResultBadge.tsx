import { Badge } from '@mantine/core';
import type { AuditResult } from '../../../shared/contract/index';

export const AUDIT_RESULT_COLOR: Record<AuditResult, string> = {
  requested: 'gray',
  started: 'blue',
  succeeded: 'green',
  failed: 'red',
  refused: 'orange',
  cancelled: 'yellow',
};

export function AuditResultBadge({ result }: { result: AuditResult }) {
  return (
    <Badge color={AUDIT_RESULT_COLOR[result]} variant="light" data-testid="audit-result">
      {result}
    </Badge>
  );
}
