import { useEffect, useState } from 'react';
import type { DiffCounts, DiffSummary } from '../../../../shared/contract/index';
import { call, errorMessage } from '../../../api';
import { useAppStore } from '../../../state/appStore';

/**
 * One backup table compared with the live one: the diff job (its id is the diff's id), then its summary and
 * counts once it has succeeded. A new comparison, or closing, drops the previous scratch copy.
 */
export function useTableDiff(profileId: string) {
  const upsertJob = useAppStore((s) => s.upsertJob);
  const [jobId, setJobId] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [summary, setSummary] = useState<DiffSummary | null>(null);
  const [counts, setCounts] = useState<DiffCounts | null>(null);
  const job = useAppStore((s) => (jobId ? s.jobs[jobId] : undefined));

  const succeeded = job?.state === 'succeeded' ? job.id : null;
  useEffect(() => {
    if (!succeeded) return;
    call('backups.diff.get', { diffId: succeeded })
      .then((s) => {
        setSummary(s);
        setCounts(s.counts);
      })
      .catch((err: unknown) => setError(errorMessage(err)));
  }, [succeeded]);

  function dropCopy() {
    if (succeeded) void call('backups.diff.close', { diffId: succeeded }).catch(() => undefined);
  }

  async function compare(file: string, table: string) {
    dropCopy();
    setStarting(true);
    setError(null);
    setSummary(null);
    setCounts(null);
    try {
      const started = await call('backups.diff', { profileId, file, table });
      upsertJob(started);
      setJobId(started.id);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setStarting(false);
    }
  }

  function reset() {
    dropCopy();
    setJobId(null);
    setSummary(null);
    setCounts(null);
    setError(null);
  }

  return { job, starting, error, summary, counts, setCounts, compare, reset };
}
