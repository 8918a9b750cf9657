import type { AuditResult } from '../../../shared/contract/audit';
import { JobSnapshot, type OperationName, operations } from '../../../shared/contract/index';
import type { ConfirmationRequirement, SafetyCheck } from '../../../shared/contract/safety';
import { AppError, toFailure } from '../../core/AppError';
import type { CallContext, SafetyGate } from '../../core/dispatch';
import type { SafetyGateDeps } from './SafetyGateDeps';
import { type Subject, subjectOf } from './subjects';

/** Failures that mean "checked and refused before anything was written", not "went wrong half-way". */
const REFUSAL_CODES = new Set(['CONFIRMATION_REQUIRED', 'RESTORE_PREFLIGHT_FAILED']);

/** Results kept in an audit row are capped; a prune plan of thousands of files is summarised. */
const MAX_DETAIL_CHARS = 20_000;

function outcomeOf(code: string): AuditResult {
  if (code === 'CANCELLED') return 'cancelled';
  return REFUSAL_CODES.has(code) ? 'refused' : 'failed';
}

function capped(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  const text = JSON.stringify(value);
  return text.length <= MAX_DETAIL_CHARS ? value : { truncated: true, chars: text.length };
}

/** Best effort: an explanation that cannot be read (database down, bad file name) leaves only the rule. */
async function explanationOf(subject: Subject): Promise<string | null> {
  if (!subject.explain) return null;
  return subject.explain().catch(() => null);
}

export function requirementOf(name: OperationName, subject: Subject): ConfirmationRequirement {
  const rule = operations[name].confirm;
  if (!rule) return null;
  if (rule.kind === 'word')
    return rule.production === 'database' && subject.strict && subject.database
      ? { kind: 'database', database: subject.database, reason: subject.reason }
      : { kind: 'word', word: rule.word };
  if (subject.strict && subject.database) return { kind: 'database', database: subject.database, reason: subject.reason };
  return rule.elsewhere === 'yes' ? { kind: 'yes' } : null;
}

export function satisfies(required: ConfirmationRequirement, confirm: unknown): boolean {
  if (required === null) return true;
  if (required.kind === 'word') return confirm === required.word;
  if (required.kind === 'database') return confirm === required.database;
  return confirm === true || (typeof confirm === 'string' && confirm.length > 0);
}

/** What the person must type, in words a door can print as is. */
export function requirementMessage(required: ConfirmationRequirement): string | null {
  if (required === null) return null;
  if (required.kind === 'word')
    return `Type ${required.word} (exactly, in capitals) to confirm (CLI: --confirm ${required.word}).`;
  if (required.kind === 'database')
    return `${required.reason}: type the database name ${required.database} to confirm (CLI: --confirm ${required.database}).`;
  return 'Confirm to proceed (CLI: --confirm).';
}

/**
 * The contract's safety rules for every door: resolves what a call acts on, refuses a missing or wrong
 * confirmation with CONFIRMATION_REQUIRED before the handler runs, and keeps exactly one audit row per
 * guarded action, moved along requested → refused | started → succeeded | failed | cancelled (a job's
 * outcome is written when the job ends). Handlers neither check confirmations nor write these rows.
 */
export class ContractSafetyGate implements SafetyGate {
  /** `app`: the collaborators the App passes in (SafetyGateDeps), not the App itself. */
  constructor(private readonly app: SafetyGateDeps) {}

  async check(name: OperationName, args: Record<string, unknown>): Promise<SafetyCheck> {
    const def = operations[name];
    const subject = await subjectOf(this.app, name, args);
    const required = requirementOf(name, subject);
    return {
      operation: name,
      risk: def.risk,
      audited: def.risk === 'destructive' || subject.audit,
      required,
      message: requirementMessage(required),
      explanation: required ? await explanationOf(subject) : null,
    };
  }

  async guard(
    name: OperationName,
    args: Record<string, unknown>,
    door: CallContext,
    run: (ctx: CallContext) => Promise<unknown>,
  ): Promise<unknown> {
    const def = operations[name];
    if (def.risk === 'read' && !def.confirm) return run(door);
    const ctx: CallContext = { door: door.door, actor: this.app.actor.get().actor };
    if (def.risk !== 'destructive' && !def.confirm) return run(ctx);
    const subject = await subjectOf(this.app, name, args);
    const required = requirementOf(name, subject);
    const audited = def.risk === 'destructive' || subject.audit;
    if (!audited && required === null) return run(ctx);

    const row = audited
      ? this.app.audit.record({
          actor: ctx.actor,
          door: ctx.door,
          action: name,
          profileId: subject.profileId,
          target: subject.target,
          result: 'requested',
          details: required ? { confirmation: required.kind } : {},
        })
      : null;
    const settle = (result: AuditResult, details?: Record<string, unknown>) => {
      if (row !== null) this.app.audit.settle(row, result, details);
    };

    if (!satisfies(required, args.confirm)) {
      const explanation = await explanationOf(subject);
      const message = `${explanation ?? `${def.summary.split(';')[0]}:`} Nothing was changed. ${requirementMessage(required)}`;
      settle('refused', {
        code: 'CONFIRMATION_REQUIRED',
        reason: args.confirm === undefined ? 'confirmation missing' : 'confirmation wrong',
      });
      throw new AppError('CONFIRMATION_REQUIRED', message, { required });
    }
    settle('started');
    let value: unknown;
    try {
      value = await run(ctx);
    } catch (err) {
      const f = toFailure(err);
      settle(outcomeOf(f.code), {
        code: f.code,
        message: f.message,
        ...(f.details === undefined ? {} : { failure: capped(f.details) }),
      });
      throw err;
    }
    if (def.result === JobSnapshot) this.followJob(value as JobSnapshot, settle);
    else settle('succeeded', { result: capped(value) });
    return value;
  }

  /** A job's row is settled when the job ends, before its last event, so Jobs and Audit agree at once. */
  private followJob(job: JobSnapshot, settle: (result: AuditResult, details?: Record<string, unknown>) => void): void {
    const finish = (s: JobSnapshot) => {
      if (s.state === 'succeeded') settle('succeeded', { jobId: s.id, result: capped(s.result) });
      else if (s.state === 'cancelled')
        settle('cancelled', { jobId: s.id, code: 'CANCELLED', message: s.error?.message ?? null });
      else
        settle(outcomeOf(s.error?.code ?? 'INTERNAL'), {
          jobId: s.id,
          code: s.error?.code ?? null,
          message: s.error?.message ?? null,
        });
    };
    settle('started', { jobId: job.id });
    if (!this.app.jobs.onFinished(job.id, finish)) finish(this.app.jobs.get(job.id));
  }
}
