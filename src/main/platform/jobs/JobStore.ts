import type { JobKind, JobLogLine, JobSnapshot, JobState } from '../../../shared/contract/jobs';
import type { AppDatabase } from '../store/AppDatabase';

const SCHEMA = [
  `CREATE TABLE jobs (
     id TEXT PRIMARY KEY, kind TEXT NOT NULL, title TEXT NOT NULL, profile_id TEXT, state TEXT NOT NULL,
     progress TEXT NOT NULL, result TEXT, error TEXT, created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT);
   CREATE INDEX jobs_created ON jobs(created_at DESC);
   CREATE TABLE job_logs (job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE, seq INTEGER NOT NULL,
     at TEXT NOT NULL, level TEXT NOT NULL, message TEXT NOT NULL, PRIMARY KEY (job_id, seq));`,
  // v2: event-loop lag measured during each job (JSON; NULL for jobs recorded before).
  'ALTER TABLE jobs ADD COLUMN event_loop_lag TEXT;',
];

interface JobRow {
  id: string;
  kind: string;
  title: string;
  profile_id: string | null;
  state: string;
  progress: string;
  result: string | null;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  event_loop_lag: string | null;
}

function fromRow(r: JobRow): JobSnapshot {
  return {
    id: r.id,
    kind: r.kind as JobKind,
    title: r.title,
    profileId: r.profile_id,
    state: r.state as JobState,
    progress: JSON.parse(r.progress),
    result: r.result === null ? undefined : JSON.parse(r.result),
    error: r.error === null ? null : JSON.parse(r.error),
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    ...(r.event_loop_lag === null ? {} : { eventLoopLag: JSON.parse(r.event_loop_lag) }),
  };
}

/** Job history in the app database, so it survives restarts. */
export class JobStore {
  constructor(private readonly store: AppDatabase) {
    store.ensureSchema('jobs', SCHEMA);
  }

  save(job: JobSnapshot): void {
    this.store.db
      .prepare(
        `INSERT INTO jobs (id, kind, title, profile_id, state, progress, result, error, created_at, started_at, finished_at,
           event_loop_lag)
         VALUES (@id, @kind, @title, @profileId, @state, @progress, @result, @error, @createdAt, @startedAt, @finishedAt,
           @eventLoopLag)
         ON CONFLICT(id) DO UPDATE SET state = excluded.state, progress = excluded.progress, result = excluded.result,
           error = excluded.error, started_at = excluded.started_at, finished_at = excluded.finished_at,
           event_loop_lag = excluded.event_loop_lag`,
      )
      .run({
        ...job,
        progress: JSON.stringify(job.progress),
        result: job.result === undefined ? null : JSON.stringify(job.result),
        error: job.error === null ? null : JSON.stringify(job.error),
        eventLoopLag: job.eventLoopLag === undefined ? null : JSON.stringify(job.eventLoopLag),
      });
  }

  get(id: string): JobSnapshot | null {
    const row = this.store.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row ? fromRow(row) : null;
  }

  list(filter: { kind?: string; profileId?: string; state?: string; limit: number }): JobSnapshot[] {
    const where: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit };
    if (filter.kind) where.push('kind = @kind'), (params.kind = filter.kind);
    if (filter.profileId) where.push('profile_id = @profileId'), (params.profileId = filter.profileId);
    if (filter.state) where.push('state = @state'), (params.state = filter.state);
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, rowid DESC LIMIT @limit`;
    return (this.store.db.prepare(sql).all(params) as JobRow[]).map(fromRow);
  }

  appendLog(line: JobLogLine): void {
    this.store.db
      .prepare('INSERT INTO job_logs (job_id, seq, at, level, message) VALUES (?, ?, ?, ?, ?)')
      .run(line.jobId, line.seq, line.at, line.level, line.message);
  }

  logs(jobId: string, afterSeq: number): JobLogLine[] {
    return (
      this.store.db
        .prepare('SELECT job_id, seq, at, level, message FROM job_logs WHERE job_id = ? AND seq > ? ORDER BY seq')
        .all(jobId, afterSeq) as Array<{ job_id: string; seq: number; at: string; level: JobLogLine['level']; message: string }>
    ).map((r) => ({ jobId: r.job_id, seq: r.seq, at: r.at, level: r.level, message: r.message }));
  }

  /** Jobs that were queued or running when the process died can never finish: say so in their record. */
  markInterrupted(): number {
    const now = new Date().toISOString();
    const error = JSON.stringify({ code: 'CANCELLED', message: 'Interrupted: the app stopped while this job was running.' });
    return this.store.db
      .prepare("UPDATE jobs SET state = 'failed', error = ?, finished_at = ? WHERE state IN ('queued', 'running')")
      .run(error, now).changes;
  }
}
