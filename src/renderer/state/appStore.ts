import { create } from 'zustand';
import type { AppEvent, JobSnapshot, Profile } from '../../shared/contract/index';
import { api, call, errorMessage } from '../api';

const REMEMBERED_PROFILE_KEY = 'sysndd-admin.currentProfileId';
/** Jobs kept in memory for the drawer; older finished ones are dropped (the Jobs page reads history). */
const MAX_TRACKED_JOBS = 200;

export interface AppState {
  profiles: Profile[];
  profilesLoaded: boolean;
  profilesError: string | null;
  /** The profile every page works on; null until the person picks one (or none exists). */
  currentProfileId: string | null;
  /** Jobs seen this session (live ones first come from `jobs.active`, then from `job.updated` events). */
  jobs: Record<string, JobSnapshot>;
  jobsDrawerOpen: boolean;
  loadProfiles(): Promise<void>;
  selectProfile(id: string | null): void;
  upsertJob(job: JobSnapshot): void;
  setJobsDrawerOpen(open: boolean): void;
}

function rememberedProfileId(): string | null {
  try {
    return localStorage.getItem(REMEMBERED_PROFILE_KEY);
  } catch {
    return null;
  }
}

function remember(id: string | null): void {
  try {
    if (id) localStorage.setItem(REMEMBERED_PROFILE_KEY, id);
    else localStorage.removeItem(REMEMBERED_PROFILE_KEY);
  } catch {
    // Storage can be disabled; the choice then lasts for this page only.
  }
}

/**
 * Which profile to work on after the list changed: the remembered one if it still exists, else the first
 * non-production profile. A production profile is never picked silently: the person chooses it.
 */
function pickProfile(profiles: Profile[], current: string | null): string | null {
  const wanted = current ?? rememberedProfileId();
  if (wanted && profiles.some((p) => p.id === wanted)) return wanted;
  return profiles.find((p) => p.environment !== 'production')?.id ?? null;
}

function trimJobs(jobs: Record<string, JobSnapshot>): Record<string, JobSnapshot> {
  const list = Object.values(jobs);
  if (list.length <= MAX_TRACKED_JOBS) return jobs;
  const keep = list
    .sort((a, b) => Number(b.state === 'running') - Number(a.state === 'running') || b.createdAt.localeCompare(a.createdAt))
    .slice(0, MAX_TRACKED_JOBS);
  return Object.fromEntries(keep.map((j) => [j.id, j]));
}

export const useAppStore = create<AppState>()((set, get) => ({
  profiles: [],
  profilesLoaded: false,
  profilesError: null,
  currentProfileId: null,
  jobs: {},
  jobsDrawerOpen: false,

  async loadProfiles() {
    try {
      const profiles = (await call('profiles.list', {})).filter((p) => !p.transient);
      const currentProfileId = pickProfile(profiles, get().currentProfileId);
      set({ profiles, profilesLoaded: true, profilesError: null, currentProfileId });
    } catch (err) {
      set({ profilesLoaded: true, profilesError: errorMessage(err) });
    }
  },

  selectProfile(id) {
    remember(id);
    set({ currentProfileId: id });
  },

  upsertJob(job) {
    set((s) => {
      // A finished job is final. Snapshots come by two roads (a call's answer over HTTP, events over the
      // WebSocket): the answer to `backups.create` ("running") can arrive after the job's last event, and
      // must not bring the job back to life: the page would wait for its end forever and never reload.
      if (s.jobs[job.id]?.finishedAt && !job.finishedAt) return s;
      return { jobs: trimJobs({ ...s.jobs, [job.id]: job }) };
    });
  },

  setJobsDrawerOpen(open) {
    set({ jobsDrawerOpen: open });
  },
}));

/** The selected profile, or null. */
export function useCurrentProfile(): Profile | null {
  return useAppStore((s) => s.profiles.find((p) => p.id === s.currentProfileId) ?? null);
}

/**
 * How many jobs of these kinds for this profile have finished this session: a reload trigger for views whose
 * data such a job changes (a migrate run from the CLI or another window reaches us as `job.updated`).
 */
export function useFinishedJobCount(profileId: string, kinds: readonly string[]): number {
  return useAppStore(
    (s) =>
      Object.values(s.jobs).filter((j) => j.profileId === profileId && j.finishedAt !== null && kinds.includes(j.kind)).length,
  );
}

/** Tracked jobs, running ones first, then newest first. */
export function sortJobs(jobs: Record<string, JobSnapshot>): JobSnapshot[] {
  return Object.values(jobs).sort((a, b) => Number(isLive(b)) - Number(isLive(a)) || b.createdAt.localeCompare(a.createdAt));
}

export function isLive(job: JobSnapshot): boolean {
  return job.state === 'running' || job.state === 'queued';
}

function handleEvent(event: AppEvent): void {
  const store = useAppStore.getState();
  if (event.type === 'job.updated') store.upsertJob(event.job);
  else if (event.type === 'profiles.changed') void store.loadProfiles();
}

/**
 * Connects the store to the main process: loads profiles and running jobs, then keeps both current from
 * events. Returns the unsubscribe function (called when the shell unmounts).
 */
export function startAppSync(): () => void {
  const unsubscribe = api.subscribe(handleEvent);
  const store = useAppStore.getState();
  void store.loadProfiles();
  void call('jobs.active', {})
    .then((jobs) => {
      for (const job of jobs) useAppStore.getState().upsertJob(job);
    })
    .catch(() => {
      // The drawer still fills from events; the Jobs page shows the error if the back end is down.
    });
  return unsubscribe;
}
