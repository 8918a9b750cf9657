import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

interface ColumnVisibilityState {
  /** Per table (DataTable's `name`): the column ids the person chose to hide. Absent: the table's default. */
  hidden: Record<string, string[]>;
  setHidden(table: string, ids: string[]): void;
}

/**
 * Which columns each table shows, remembered per user like the row density (localStorage: the OS
 * account's app data in Electron, the browser profile in browser mode). A table without a saved choice
 * shows all but its `defaultHidden` columns.
 */
export const useColumnVisibility = create<ColumnVisibilityState>()(
  persist(
    (set) => ({
      hidden: {},
      setHidden: (table, ids) => set((s) => ({ hidden: { ...s.hidden, [table]: ids } })),
    }),
    {
      name: 'sysndd-admin.table-columns',
      storage: createJSONStorage(() => localStorage),
      // A hand-edited or older value must not break a table: keep only lists of strings.
      merge: (persisted, current) => {
        const saved = (persisted as { hidden?: unknown } | undefined)?.hidden;
        const hidden: Record<string, string[]> = {};
        if (saved && typeof saved === 'object') {
          for (const [table, ids] of Object.entries(saved)) {
            if (Array.isArray(ids)) hidden[table] = ids.filter((id): id is string => typeof id === 'string');
          }
        }
        return { ...current, hidden };
      },
    },
  ),
);

/** The hidden column ids of one table: the saved choice, else its default. */
export function useHiddenColumns(table: string, defaultHidden: readonly string[] = []): readonly string[] {
  return useColumnVisibility((s) => s.hidden[table]) ?? defaultHidden;
}
