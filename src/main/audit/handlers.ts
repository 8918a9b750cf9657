import type { App } from '../app/App';
import type { HandlerGroup } from '../core/dispatch';
import { auditToCsv, auditToJson } from './exportAudit';

export function auditHandlers(app: App): HandlerGroup<'audit.list' | 'audit.actions' | 'audit.export'> {
  return {
    'audit.list': async (filter) => app.audit.list(filter),
    'audit.actions': async () => app.audit.actions(),
    'audit.export': async ({ format, ...filter }) => {
      const entries = app.audit.list(filter);
      const stamp = new Date().toISOString().replace(/[:.]/g, '-');
      return {
        format,
        filename: `sysndd-admin-audit-${stamp}.${format}`,
        content: format === 'csv' ? auditToCsv(entries) : auditToJson(entries),
      };
    },
  };
}
