import type { RestoreOptionsIn } from '../../../shared/contract/index';

/** What the first wizard step collects: the file, where it goes, and how it is loaded. */
export interface RestoreSelection {
  file: string;
  targetProfileId: string;
  /** Empty: the target profile's own database. */
  targetDatabase: string;
  options: Required<
    Pick<
      RestoreOptionsIn,
      'definer' | 'workers' | 'verifyChecksums' | 'allowMissingCompletionMarker' | 'confinement' | 'storeGeneratedAsPlain'
    >
  >;
}

export const DEFAULT_OPTIONS: RestoreSelection['options'] = {
  definer: 'keep',
  workers: 2,
  verifyChecksums: true,
  allowMissingCompletionMarker: false,
  confinement: 'server',
  storeGeneratedAsPlain: false,
};

/** The token the main process requires (exact, case-sensitive); the UI only mirrors the rule. */
export const TOKEN = 'RESTORE';

/** `#/restore?profile=<id>&file=<path>` (the Backups page's "Restore…" action) → the preselection. */
export function restoreHashParams(hash: string = window.location.hash): { profile: string | null; file: string | null } {
  const query = hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '';
  const params = new URLSearchParams(query);
  return { profile: params.get('profile') || null, file: params.get('file') || null };
}

/** The restore.start / restore.preflight arguments for a selection; `tables` makes it a table restore. */
export function restoreArgs(s: RestoreSelection, tables: string[] | null = null) {
  return {
    profileId: s.targetProfileId,
    file: s.file.trim(),
    ...(s.targetDatabase.trim() ? { targetDatabase: s.targetDatabase.trim() } : {}),
    options: tables && tables.length > 0 ? { ...s.options, tables } : s.options,
  };
}

/** What a finished restore job returns (RestoreRunResult in the main process). */
export interface RestoreJobResult {
  restoreId: string;
  targetDatabase: string;
  prevSchema: string | null;
  preRestoreBackup: string | null;
  stats: { tables: number; rows: number; bytes: number; totalMs: number; warnings: string[] };
  /** Migrations applied before the restore that the backup predates: they show as pending and would run again. */
  rewoundMigrations?: Array<{ filename: string; restoreId: string; at: string; reason: string }>;
}

export function fileName(p: string): string {
  return p.split(/[\\/]/).pop() ?? p;
}
