import { useCallback, useEffect, useRef } from 'react';
import type { ReadinessReport } from '../../../shared/contract/health';
import { call } from '../../api';
import { useLatestLoad } from '../../hooks/useLatestLoad';
import { useAppStore } from '../../state/appStore';

export const AUTO_REFRESH_MS = 30_000;
/** How long auto-refresh may reuse a passing SMTP result. */
const SMTP_REUSE_SECONDS = 300;

export interface ReadinessState {
  report: ReadinessReport | null;
  error: Error | null;
  loading: boolean;
  refresh(): void;
}

/**
 * The readiness report of one profile, refreshed every 30 s while `auto` is on and the window is visible,
 * and whenever a migrate, backup or restore job of that profile ends (those change what the rows show).
 * A tick never starts while the previous run is still out; answers for an older profile are dropped.
 */
export function useReadiness(profileId: string, backupMaxAgeHours: number, auto: boolean): ReadinessState {
  const { data: report, error, loading, start, clear } = useLatestLoad<ReadinessReport>(true);
  const busy = useRef(false);
  const finishedJobs = useAppStore(
    (s) => Object.values(s.jobs).filter((j) => j.profileId === profileId && j.finishedAt !== null).length,
  );

  // `reuseSmtp`: auto-refresh reuses a passing SMTP result for a few minutes (no AUTH against the mail
  // provider every 30 s); a click, a profile switch or a finished job always asks the server.
  const load = useCallback(
    (reuseSmtp: boolean) => {
      busy.current = true;
      start(
        call('health.readiness', { profileId, backupMaxAgeHours, smtpCacheSeconds: reuseSmtp ? SMTP_REUSE_SECONDS : 0 }),
        () => {
          busy.current = false;
        },
      );
    },
    [profileId, backupMaxAgeHours, start],
  );
  const refresh = useCallback(() => load(false), [load]);

  // A new profile shows nothing stale while its first report loads.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when the profile changes.
  useEffect(() => {
    clear();
  }, [profileId]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `finishedJobs` is a trigger, not an input.
  useEffect(() => {
    refresh();
  }, [refresh, finishedJobs]);

  useEffect(() => {
    if (!auto) return;
    const timer = setInterval(() => {
      if (!busy.current && document.visibilityState !== 'hidden') load(true);
    }, AUTO_REFRESH_MS);
    return () => clearInterval(timer);
  }, [auto, load]);

  return { report: report ?? null, error, loading, refresh };
}
