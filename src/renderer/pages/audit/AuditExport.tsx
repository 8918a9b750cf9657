import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Download } from 'lucide-react';
import type { AuditResult } from '../../../shared/contract/index';
import { call } from '../../api';
import { downloadBlob } from '../../components/common/downloadBlob';
import { useBusyAction } from '../../components/common/useBusyAction';

export interface AuditFilters {
  action: string | null;
  profileId: string | null;
  result: AuditResult | null;
}

/** Exports are not capped by what the table shows: the whole (filtered) log goes into the file. */
const EXPORT_LIMIT = 100_000;

export function auditFilterArgs(f: AuditFilters) {
  return {
    ...(f.action ? { action: f.action } : {}),
    ...(f.profileId ? { profileId: f.profileId } : {}),
    ...(f.result ? { result: f.result } : {}),
  };
}

export function AuditExportButton({ format, filters }: { format: 'csv' | 'json'; filters: AuditFilters }) {
  const exporting = useBusyAction();
  const run = () =>
    exporting.run(async () => {
      const r = await call('audit.export', { format, limit: EXPORT_LIMIT, ...auditFilterArgs(filters) });
      downloadBlob(r.filename, new Blob([r.content], { type: format === 'csv' ? 'text/csv' : 'application/json' }));
      notifications.show({ color: 'green', message: `Exported the audit log as ${r.filename}.` });
    });
  return (
    <Button
      variant="default"
      leftSection={<Download size={16} />}
      onClick={run}
      loading={exporting.busy}
      data-testid={`audit-export-${format}`}
    >
      Export {format.toUpperCase()}
    </Button>
  );
}
