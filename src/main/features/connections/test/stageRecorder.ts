import { performance } from 'node:perf_hooks';
import type { StageId, TestStage } from '../../../../shared/contract/connections';
import { AppError } from '../../../core/AppError';
import { StageError } from '../ssh/chain';
import { causeFor } from './stages';

/**
 * Fills in the planned stages of one connection test: each stage is marked ok (with its latency and a
 * detail), failed (with the error's code and the cause people should look at) or skipped. `timed` runs one
 * stage and turns its failure into a StageError, so the test stops at the first broken link.
 */
export class StageRecorder {
  constructor(readonly stages: TestStage[]) {}

  ok(id: StageId, ms: number, detail: string | null): void {
    Object.assign(this.stage(id), { status: 'ok', latencyMs: round(ms), detail });
  }

  failed(id: StageId, err: AppError, ms: number | null = null): void {
    Object.assign(this.stage(id), {
      status: 'failed',
      latencyMs: ms === null ? null : round(ms),
      detail: err.message,
      code: err.code,
      cause: causeFor(err.code),
    });
  }

  skip(id: StageId, why: string): void {
    Object.assign(this.stage(id), { status: 'skipped', detail: why });
  }

  async timed<T>(id: StageId, run: () => Promise<T>, detail: (v: T) => string | null): Promise<T> {
    const started = performance.now();
    try {
      const value = await run();
      this.ok(id, performance.now() - started, detail(value));
      return value;
    } catch (err) {
      const e = toAppError(err);
      this.failed(id, e, performance.now() - started);
      throw new StageError(id, e);
    }
  }

  /** An error outside any stage is pinned on the first stage that never ran. */
  failUnstarted(err: unknown): void {
    const first = this.stages.find((s) => s.status === 'skipped' && s.detail === null);
    if (first) this.failed(first.id, toAppError(err));
  }

  /** Stages never reached say why; the first failure (if any) is the report's failure. */
  finish(): TestStage | undefined {
    const failedStage = this.stages.find((s) => s.status === 'failed');
    for (const s of this.stages)
      if (s.status === 'skipped' && s.detail === null)
        s.detail = failedStage ? `Not run: "${failedStage.label}" failed.` : 'Not applicable.';
    return failedStage;
  }

  private stage(id: StageId): TestStage {
    return this.stages.find((s) => s.id === id) as TestStage;
  }
}

export function toAppError(
  err: unknown,
  target?: { host: string; port: number; user: string; database?: string; viaSsh: boolean },
): AppError {
  if (err instanceof AppError) return err;
  const errno = (err as { errno?: number }).errno;
  if (target && (errno === 1044 || errno === 1049)) {
    return errno === 1049
      ? new AppError('DB_UNKNOWN_DATABASE', `Database '${target.database}' does not exist on the server.`)
      : new AppError(
          'DB_ACCESS_DENIED',
          `User '${target.user}' may not use database '${target.database}' (${(err as Error).message}).`,
        );
  }
  return new AppError('DB_QUERY_FAILED', err instanceof Error ? err.message : String(err));
}

export function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
