import { useCallback, useEffect, useState } from 'react';
import type { DiffKind, DiffRow } from '../../../../shared/contract/index';
import { call, errorMessage } from '../../../api';

/** Rows per page of `backups.diff.rows` (keyset paging in the main process). */
export const DIFF_ROWS_PAGE = 200;

/**
 * The rows of one kind of a diff, loaded when asked for and page by page, and the rows selected among
 * them. A new kind starts empty again (nothing loaded, nothing selected).
 */
export function useDiffRows(diffId: string, kind: DiffKind) {
  const [rows, setRows] = useState<DiffRow[] | null>(null);
  const [next, setNext] = useState<Array<string | null> | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());

  /** `after` null: the first page (a reload); otherwise the page after that key, appended. */
  const load = useCallback(
    async (after: Array<string | null> | null) => {
      setLoading(true);
      setError(null);
      try {
        const page = await call('backups.diff.rows', {
          diffId,
          kind,
          limit: DIFF_ROWS_PAGE,
          ...(after ? { after } : {}),
        });
        setRows((old) => (after && old ? [...old, ...page.rows] : page.rows));
        setNext(page.next);
      } catch (err) {
        setError(errorMessage(err));
      } finally {
        setLoading(false);
      }
    },
    [diffId, kind],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: reset exactly when the kind changes.
  useEffect(() => {
    setRows(null);
    setNext(null);
    setSelected(new Set());
  }, [kind]);

  return { rows, next, loading, error, load, selected, setSelected };
}
