import { useCallback, useEffect, useState } from 'react';
import type { JobSnapshot, PreflightReport, RestoreRecord } from '../../../shared/contract/index';
import { call, errorMessage } from '../../api';
import { useCall } from '../../hooks/useCall';
import { isLive, useAppStore } from '../../state/appStore';
import { type RestoreJobResult, type RestoreSelection, restoreArgs } from './model';
import { useRestoreActions } from './useRestoreActions';

/** The record behind a restore job (its id is the job id); null for a refusal, which leaves no record. */
async function loadRecord(job: JobSnapshot): Promise<RestoreRecord | null> {
  const id = (job.result as RestoreJobResult | null)?.restoreId ?? job.id;
  return call('restore.get', { id }).catch(() => null);
}

/**
 * The restore job of the wizard, a rollback started from its result, the record that says what is still
 * possible (rollback, discard), and the profile's restore history; both reload when either job ends.
 */
export function useRestoreRun(profileId: string) {
  const upsertJob = useAppStore((s) => s.upsertJob);
  const [jobId, setJobId] = useState<string | null>(null);
  const [rollbackJobId, setRollbackJobId] = useState<string | null>(null);
  const [record, setRecord] = useState<RestoreRecord | null>(null);
  const job = useAppStore((s) => (jobId ? s.jobs[jobId] : undefined));
  const rollbackJob = useAppStore((s) => (rollbackJobId ? s.jobs[rollbackJobId] : undefined));
  const history = useCall('restore.list', { profileId, limit: 20 });
  const reloadHistory = history.reload;

  const refreshRecord = useCallback(async () => {
    if (job && !isLive(job)) setRecord(await loadRecord(job));
    reloadHistory();
  }, [job, reloadHistory]);

  // The result step needs the record (rollback availability) once the restore, or a rollback, has ended.
  const finished = job && !isLive(job) ? job.id : null;
  const rollbackFinished = rollbackJob && !isLive(rollbackJob) ? rollbackJob.id : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload exactly when one of the two jobs ends.
  useEffect(() => {
    void refreshRecord();
  }, [finished, rollbackFinished]);

  const actions = useRestoreActions({ onJob: (j) => setRollbackJobId(j.id), onChanged: () => void refreshRecord() });
  const follow = (started: JobSnapshot) => {
    upsertJob(started);
    setJobId(started.id);
  };
  const reset = () => {
    setJobId(null);
    setRollbackJobId(null);
    setRecord(null);
  };
  return { job, rollbackJob, record, history, actions, follow, reset };
}

/**
 * The preflight of a selection: its report, the tables a table restore is limited to (null: the whole
 * database) and why it could not run. `onChecked` runs after each report that arrived.
 */
export function usePreflight(selection: RestoreSelection, onChecked: () => void) {
  const [report, setReport] = useState<PreflightReport | null>(null);
  const [tables, setTables] = useState<string[] | null>(null);
  const [checking, setChecking] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run(scope: string[] | null = tables) {
    setChecking(true);
    setError(null);
    try {
      setReport(await call('restore.preflight', restoreArgs(selection, scope)));
      setTables(scope);
      onChecked();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setChecking(false);
    }
  }

  return { report, clear: () => setReport(null), tables, checking, error, run };
}
