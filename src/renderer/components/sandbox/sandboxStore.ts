import { create } from 'zustand';
import { isLive, useAppStore } from '../../state/appStore';

interface SandboxUiState {
  /** The sandbox job started from the first-run panel (no profiles yet), until it ends. */
  firstRunJobId: string | null;
  setFirstRunJobId(id: string | null): void;
}

export const useSandboxUi = create<SandboxUiState>()((set) => ({
  firstRunJobId: null,
  setFirstRunJobId: (id) => set({ firstRunJobId: id }),
}));

/**
 * True while a sandbox start launched from the first-run state is still running. The job creates its
 * profile half-way (before migrations and sample data), which would otherwise swap the first-run panel —
 * and the progress it shows — for pages working on a database that is not ready yet.
 */
export function useFirstRunSandboxStarting(): boolean {
  const id = useSandboxUi((s) => s.firstRunJobId);
  return useAppStore((s) => {
    const job = id ? s.jobs[id] : undefined;
    return job !== undefined && isLive(job);
  });
}
