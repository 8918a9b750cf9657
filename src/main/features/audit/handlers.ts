import type { HandlerGroup } from '../../core/dispatch';
import type { AuditLog } from './AuditLog';
import { auditToCsv, auditToJson } from './exportAudit';

export function auditHandlers(audit: AuditLog): HandlerGroup<'audit.list' | 'audit.actions' | 'audit.export'> {
  return {
    'audit.list': async (filter) => audit.list(filter),
    'audit.actions': async () => audit.actions(),
    'audit.export': async ({ format, ...filter }) => {
      const entries = audit.list(filter);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      return {
        format,
        filename: `sysndd-admin-audit-${stamp}.${format}`,
        content: format === 'csv' ? auditToCsv(entries) : auditToJson(entries),
      };
    },
  };
}
