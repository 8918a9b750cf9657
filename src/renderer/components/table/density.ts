import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

/**
 * How tall a table row is. Compact (TablePlus-like, one line per row) is the default for people who
 * scan long lists; comfortable gives touch pads and tired eyes more room.
 */
export type TableDensity = 'compact' | 'comfortable';

export const ROW_HEIGHT: Record<TableDensity, number> = { compact: 28, comfortable: 40 };
export const FONT_SIZE: Record<TableDensity, string> = { compact: 'xs', comfortable: 'sm' };

interface DensityState {
  density: TableDensity;
  setDensity(density: TableDensity): void;
}

/**
 * One choice for every table, remembered per user: localStorage lives in the OS account's app data
 * (Electron) or the browser profile (browser mode), like the remembered profile in appStore.
 */
export const useTableDensity = create<DensityState>()(
  persist(
    (set) => ({
      density: 'compact',
      setDensity: (density) => set({ density }),
    }),
    {
      name: 'sysndd-admin.table-density',
      storage: createJSONStorage(() => localStorage),
      // A hand-edited or older value must not break every table: anything unknown reads as the default.
      merge: (persisted, current) => {
        const saved = (persisted as { density?: unknown } | undefined)?.density;
        return { ...current, density: saved === 'comfortable' ? 'comfortable' : 'compact' };
      },
    },
  ),
);
