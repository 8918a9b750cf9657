import type { PreflightCheck, PreflightReport, ReplacedTable } from '../../../../shared/contract/restore';
import type { LiveTable } from '../liveSchema';
import type { SourceInventory } from '../sources/inventory';
import { scopeOf } from '../tableScope';
import {
  type AccessState,
  type AddCheck,
  accessChecks,
  fileChecks,
  leftoverChecks,
  mb,
  type PreflightFacts,
  type PreflightInput,
  packetAndLockChecks,
  type ServerFacts,
  type SpaceState,
  serverFacts,
  spaceChecks,
  type TargetState,
  targetChecks,
} from './preflightChecks';

export { otherSchemas } from '../confinement/loadAccount';
export { confinementCheck, countsOf, definerCheck, type ObjectCounts, privilegeCheck } from './accessChecks';
export { type PreflightFacts, type PreflightInput, serverFacts } from './preflightChecks';

/**
 * Every check that can be made before the first write (gap D.10): the file, the databases it names, the
 * account's privileges on the target and on the schemas the restore creates, DEFINERs, statement size vs
 * max_allowed_packet, the migration lock, a concurrent restore, disk space, leftovers. A failed check
 * makes `ok` false; `restore.start` runs the same preflight again and refuses unless it passes.
 */
export async function runPreflight(i: PreflightInput): Promise<{ report: PreflightReport; facts: PreflightFacts }> {
  const scope = scopeOf(i.options.tables);
  const checks: PreflightCheck[] = [];
  const add: AddCheck = (id, status, message) => checks.push({ id, status, message });
  const facts = await serverFacts(i.control);
  fileChecks(i.inventory, i.options, add);
  const target = await targetChecks(i, scope, checks, add);
  const access = await accessChecks(i, facts, target, checks, add);
  await packetAndLockChecks(i, add);
  const space = await spaceChecks(i, scope, target.liveTables, add);
  const leftovers = await leftoverChecks(i, add);
  const report = buildReport(i, { checks, facts, scope, target, access, space, leftovers });
  const { grants, liveCounts, crossEngine } = access;
  return {
    report,
    facts: {
      ...facts,
      liveTables: target.liveTables,
      targetExists: target.exists,
      grants,
      liveCounts,
      crossEngine: crossEngine.plan,
    },
  };
}

interface PreflightParts {
  checks: PreflightCheck[];
  facts: ServerFacts;
  scope: ReadonlySet<string> | null;
  target: TargetState;
  access: AccessState;
  space: SpaceState;
  leftovers: PreflightReport['leftovers'];
}

/** The report: what each check said, the file, the target, what is replaced, space, leftovers. */
function buildReport(i: PreflightInput, p: PreflightParts): PreflightReport {
  const { inventory: inv, targetDatabase: db, profile } = i;
  const { checks, facts, scope, target, access, space } = p;
  const tables = replacedTables(target.liveTables, inv).filter((t) => !scope || scope.has(t.name));
  return {
    ok: !checks.some((c) => c.status === 'fail'),
    checks,
    file: { path: inv.path, size: inv.size, format: inv.format, compressed: inv.compressed, complete: inv.complete },
    source: {
      database: inv.database,
      serverVersion: inv.serverVersion,
      createdAt: inv.createdAt,
      tables: inv.tables.length,
      rows: inv.scanned && inv.tables.every((t) => t.rows !== null) ? inv.tables.reduce((a, t) => a + (t.rows ?? 0), 0) : null,
      scanned: inv.scanned,
      rawBytes: inv.rawBytes,
      objects: access.fileCounts,
      definers: inv.definers,
    },
    target: {
      profileId: profile.id,
      profileName: profile.name,
      environment: profile.environment,
      host: profile.ssh ? `${profile.mysql.host} via ${profile.ssh.host}` : profile.mysql.host,
      port: profile.mysql.port,
      database: db,
      exists: target.exists,
      serverVersion: facts.serverVersion,
      account: facts.account,
    },
    replace: { tables, liveObjects: access.liveCounts },
    space: { ...space, note: spaceNote(space) },
    leftovers: p.leftovers,
    fileTables: target.fileTables ?? [],
    scope: scope ? [...scope] : null,
    suggestedTables: target.suggestedTables,
    crossEngine: access.crossEngine.report,
  };
}

function spaceNote(s: SpaceState): string {
  return s.serverFreeBytes === null
    ? `Estimate: the shadow copy needs about ${mb(s.neededBytes)} on the server (the size of the backup's SQL), and the current ${mb(s.liveBytes)} stay in __prev until discarded. The server's free disk space cannot be read over SQL; make sure the data directory has room.`
    : `The server runs on this machine: ${mb(s.serverFreeBytes)} free in its data directory; the shadow copy needs about ${mb(s.neededBytes)}, and the current ${mb(s.liveBytes)} stay in __prev until discarded.`;
}

function replacedTables(live: LiveTable[], inv: SourceInventory): ReplacedTable[] {
  const liveByName = new Map(live.map((t) => [t.name, t]));
  const out: ReplacedTable[] = inv.tables.map((t) => {
    const l = liveByName.get(t.name);
    return {
      name: t.name,
      action: l ? 'replace' : 'create',
      liveRows: l ? l.rows : null,
      liveRowsExact: l?.exact ?? false,
      backupRows: t.rows,
    };
  });
  const inBackup = new Set(inv.tables.map((t) => t.name));
  // Not scanned (a quick-checked dump): which live tables the file has is learnt while loading; all are replaced.
  for (const l of live)
    if (!inBackup.has(l.name))
      out.push({
        name: l.name,
        action: inv.scanned ? 'remove' : 'replace',
        liveRows: l.rows,
        liveRowsExact: l.exact,
        backupRows: null,
      });
  return out;
}
