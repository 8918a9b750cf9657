import { Button } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Download } from 'lucide-react';
import { useState } from 'react';
import type { AuditResult } from '../../../shared/contract/index';
import { call, errorMessage } from '../../api';

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

/** Saves text as a file through the browser's download (Electron shows its Save dialog for it). */
function downloadText(filename: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function AuditExportButton({ format, filters }: { format: 'csv' | 'json'; filters: AuditFilters }) {
  const [busy, setBusy] = useState(false);
  async function run() {
    setBusy(true);
    try {
      const r = await call('audit.export', { format, limit: EXPORT_LIMIT, ...auditFilterArgs(filters) });
      downloadText(r.filename, r.content, format === 'csv' ? 'text/csv' : 'application/json');
      notifications.show({ color: 'green', message: `Exported the audit log as ${r.filename}.` });
    } catch (err) {
      notifications.show({ color: 'red', message: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  }
  return (
    <Button
      variant="default"
      leftSection={<Download size={16} />}
      onClick={run}
      loading={busy}
      data-testid={`audit-export-${format}`}
    >
      Export {format.toUpperCase()}
    </Button>
  );
}
