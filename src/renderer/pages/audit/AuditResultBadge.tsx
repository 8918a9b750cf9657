import type { AuditResult } from '../../../shared/contract/index';
import { ENDING_COLOR, StateBadge } from '../../components/common/StateBadge';

export const AUDIT_RESULT_COLOR: Record<AuditResult, string> = {
  requested: 'gray',
  started: 'blue',
  refused: 'orange',
  ...ENDING_COLOR,
};

export function AuditResultBadge({ result }: { result: AuditResult }) {
  return <StateBadge state={result} colors={AUDIT_RESULT_COLOR} testId="audit-result" />;
}
