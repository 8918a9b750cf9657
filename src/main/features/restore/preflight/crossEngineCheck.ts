import type { Profile } from '../../../../shared/contract/profiles';
import type { PreflightCheck, PreflightReport, RestoreOptions } from '../../../../shared/contract/restore';
import type { ErrorCode } from '../../../../shared/errors';
import { toFailure } from '../../../core/AppError';
import type { StatementLimit } from '../../../core/statementLimit';
import type { LexOptions } from '../../../platform/sql/lexer';
import type { DbConnection } from '../connect';
import { CollationMap, targetCollations } from '../crossEngine/collationMap';
import { type RewritePlan, rewriteForTarget } from '../crossEngine/rewrite';
import type { RestoreServiceDeps } from '../RestoreServiceDeps';
import type { RestoreSource } from '../sources/ForeignDumpSource';
import type { SourceInventory } from '../sources/inventory';
import { type DdlRehearsal, rehearseDdl } from './ddlRehearsal';

type CrossEngineReport = PreflightReport['crossEngine'];

/** What the load applies to every statement (the loader's one call), and what it changed, in words. */
export interface CrossEnginePlan extends RewritePlan {
  plainColumns: Map<string, Set<string>>;
  /** Statement in, statement out (src/main/features/restore/crossEngine/rewrite.ts). */
  rewrite(sql: string, lex: LexOptions): string;
  /** The shadow schema's collation: the file's, mapped when the target lacks it. */
  databaseCollation(collation: string | null): string | null;
  /** For the restore record: every collation mapped and generated column made plain, so far. */
  notes(): string[];
}

export function crossEnginePlan(collations: CollationMap): CrossEnginePlan {
  const plan: CrossEnginePlan = {
    collations,
    plainColumns: new Map(),
    rewrite: (sql, lex) => rewriteForTarget(sql, lex, plan),
    databaseCollation: (c) => (c === null ? null : (collations.map(c) ?? c)),
    notes: () => [
      ...collations.mappings().map((m) => `Collation ${m.from} (not on this server) created as ${m.to}.`),
      ...[...plan.plainColumns].flatMap(([t, cols]) =>
        [...cols].map((c) => `Generated column ${t}.${c} stored as a plain column (its expression is rejected by this server).`),
      ),
    ],
  };
  return plan;
}

export interface CrossEngineInput {
  app: Pick<RestoreServiceDeps, 'connections'>;
  profile: Profile;
  control: DbConnection;
  targetDatabase: string;
  inventory: SourceInventory;
  options: RestoreOptions;
  numericVersion: number;
  limit: StatementLimit;
  /** The file's statements; without it (or when rehearsing is not possible) only the collation map is made. */
  source?: RestoreSource;
  /** The confinement check passed: the rehearsal can run as the temporary load account (or parser-only). */
  confinementOk: boolean;
}

/** The collation map, the DDL rehearsal and their checks (ids `collations`, `ddl`, `generated-columns`). */
export async function crossEngineChecks(
  i: CrossEngineInput,
): Promise<{ plan: CrossEnginePlan; report: CrossEngineReport; checks: PreflightCheck[] }> {
  const plan = crossEnginePlan(new CollationMap(await targetCollations(i.control)));
  const report: CrossEngineReport = { collations: [], generatedColumns: [], ddlRehearsed: null, ddlRejected: [] };
  const checks: PreflightCheck[] = [];
  const storeAsPlain = i.options.storeGeneratedAsPlain === true;
  const why = whyNotRehearsed(i, storeAsPlain);
  if (why) checks.push({ id: 'ddl', status: 'ok', message: why });
  else if (i.source) {
    let rehearsal: DdlRehearsal | null = null;
    try {
      rehearsal = await rehearseDdl({ ...i, source: i.source, confined: i.options.confinement === 'server', plan, storeAsPlain });
    } catch (err) {
      const f = toFailure(err);
      if (f.code === 'CANCELLED') throw err;
      checks.push({
        id: 'ddl',
        status: 'warn',
        message: `The DDL could not be rehearsed (${f.message}); it is checked while loading.`,
      });
    }
    if (rehearsal) {
      report.ddlRehearsed = rehearsal.rehearsed;
      report.ddlRejected = rehearsal.ddlRejected;
      report.generatedColumns = rehearsal.generatedColumns;
      checks.push(ddlCheck(rehearsal, i.options.confinement === 'server'));
      const generated = generatedCheck(rehearsal.generatedColumns, storeAsPlain);
      if (generated) checks.push(generated);
    }
  }
  plan.databaseCollation(i.inventory.collation);
  report.collations = plan.collations.mappings();
  if (report.collations.length)
    checks.push({
      id: 'collations',
      status: 'warn',
      message: `Collations this server lacks are mapped: ${report.collations.map((m) => `${m.from} → ${m.to}`).join(', ')} (sort and comparison rules may differ slightly; recorded with the restore).`,
    });
  return { plan, report, checks };
}

function whyNotRehearsed(i: CrossEngineInput, storeAsPlain: boolean): string | null {
  if (!i.source) return 'DDL not rehearsed (no file statements at hand); the load checks it before the swap.';
  if (!i.inventory.complete) return 'DDL not rehearsed: the file did not pass its integrity check.';
  if (!i.confinementOk) return 'DDL not rehearsed: the temporary load account is unavailable (see confinement).';
  // A quick-checked dump is not read a second time just for this (a dry run reads it, and then the restore
  // started after it rehearses through the dry run's statement index).
  if (i.inventory.format === 'foreign' && !i.inventory.scanned && !storeAsPlain)
    return 'DDL checked while loading, before the swap (a dry run rehearses it in a scratch schema first).';
  return null;
}

function ddlCheck(r: DdlRehearsal, confined: boolean): PreflightCheck {
  const who = confined ? 'as the temporary load account' : 'as this account (parser-only confinement)';
  if (!r.ddlRejected.length)
    return {
      id: 'ddl',
      status: 'ok',
      message: `${r.rehearsed} DDL statement(s) rehearsed in a scratch schema on the target ${who} (dropped again): the server accepts them.`,
    };
  const listed = r.ddlRejected.map((x) => `${x.statement}${x.serverMessage ? ` (${x.serverMessage})` : ''}`);
  return {
    id: 'ddl',
    status: 'fail',
    code: 'RESTORE_DDL_REJECTED',
    message: `The target server rejects ${r.ddlRejected.length} of ${r.rehearsed} DDL statement(s) of the file, rehearsed in a scratch schema ${who}: ${listed.join('; ')}.`,
  };
}

function generatedCheck(columns: CrossEngineReport['generatedColumns'], storeAsPlain: boolean): PreflightCheck | null {
  if (!columns.length) return null;
  const named = columns.map((c) => `${c.table}.${c.column} AS (${c.expression}) — ${c.serverMessage}`).join('; ');
  if (storeAsPlain)
    return {
      id: 'generated-columns',
      status: 'warn',
      message: `Generated column(s) this server rejects are stored as plain columns with the values the file has (dumps leave generated columns out: NULL): ${named}.`,
    };
  return {
    id: 'generated-columns',
    status: 'fail',
    code: 'RESTORE_GENERATED_COLUMN_REJECTED',
    message: `This server rejects the expression of generated column(s): ${named}. Restore with "store as a plain column" (CLI --generated-as-plain; wizard checkbox) to keep them as plain columns holding the file's values (NULL when the dump left them out).`,
  };
}

/** The code a failed preflight refuses with: a failing check's own code when every failing check has one. */
export function refusalCode(report: PreflightReport): ErrorCode {
  const failed = report.checks.filter((c) => c.status === 'fail');
  if (failed.some((c) => c.id === 'confinement')) return 'RESTORE_CONFINEMENT_UNAVAILABLE';
  const codes = failed.map((c) => c.code);
  if (codes.length && codes.every((c) => c !== undefined)) return codes[0] as ErrorCode;
  return 'RESTORE_PREFLIGHT_FAILED';
}
