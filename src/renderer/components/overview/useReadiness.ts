import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReadinessReport } from '../../../shared/contract/health';
import { call } from '../../api';
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
  const [report, setReport] = useState<ReadinessReport | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(true);
  const ticket = useRef(0);
  const busy = useRef(false);
  const finishedJobs = useAppStore(
    (s) => Object.values(s.jobs).filter((j) => j.profileId === profileId && j.finishedAt !== null).length,
  );

  // `reuseSmtp`: auto-refresh reuses a passing SMTP result for a few minutes (no AUTH against the mail
  // provider every 30 s); a click, a profile switch or a finished job always asks the server.
  const load = useCallback(
    (reuseSmtp: boolean) => {
      const mine = ++ticket.current;
      busy.current = true;
      setLoading(true);
      call('health.readiness', { profileId, backupMaxAgeHours, smtpCacheSeconds: reuseSmtp ? SMTP_REUSE_SECONDS : 0 })
        .then((r) => {
          if (mine !== ticket.current) return;
          setReport(r);
          setError(null);
        })
        .catch((err: unknown) => {
          if (mine !== ticket.current) return;
          setError(err instanceof Error ? err : new Error(String(err)));
        })
        .finally(() => {
          if (mine !== ticket.current) return;
          busy.current = false;
          setLoading(false);
        });
    },
    [profileId, backupMaxAgeHours],
  );
  const refresh = useCallback(() => load(false), [load]);

  // A new profile shows nothing stale while its first report loads.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset only when the profile changes.
  useEffect(() => {
    setReport(null);
    setError(null);
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

  return { report, error, loading, refresh };
}
