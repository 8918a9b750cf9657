import type { BackupEntry, PrunePlan, RetentionClass } from '../../../../shared/contract/backups';

export interface RetentionRuleInput {
  keepLast?: number;
  keepDays?: number;
  location: 'local' | 'remote';
  /** Days pre-restore and pre-migration backups are kept (default 7). */
  safetyKeepDays?: number;
}

/** Backups that must survive any rule, with the reason (e.g. the pre-restore backup of a restore that can still be rolled back). */
export type ProtectedBackups = ReadonlyMap<string, string>;

const DAY_MS = 86_400_000;
export const DEFAULT_SAFETY_KEEP_DAYS = 7;

/** Pre-restore and pre-migration backups carry their label in the name (`…_pre-restore.sql.gz`, `…_pre-restore_2.sql.gz`, encrypted `….sql.gz.age`). */
export function retentionClassOf(name: string): RetentionClass {
  return /_pre-(restore|migration)(?:_\d+)?\.sql(?:\.gz)?(?:\.age)?$/.test(name) ? 'safety' : 'regular';
}

const usable = (e: BackupEntry) => e.status === 'complete' || e.status === 'unknown';
const passedCheck = (e: BackupEntry) => e.verified?.ok === true;

/**
 * Which backups of one location a retention rule keeps, and why. Regular backups are kept when among the
 * newest `keepLast` usable ones OR younger than `keepDays` — deleting needs both rules to agree, so adding a
 * rule never deletes more; incomplete or corrupt files do not count toward `keepLast`. Pre-restore and
 * pre-migration backups are a class of their own: they never count toward `keepLast` (a few copies of a
 * broken state must not push good backups out) and are kept `safetyKeepDays`. Whatever the rules say, the
 * newest backup that passed verify or a test restore is kept, and so is every backup in `protectedNames`.
 */
export function planRetention(
  entries: readonly BackupEntry[],
  rule: RetentionRuleInput,
  now = new Date(),
  protectedNames: ProtectedBackups = new Map(),
): PrunePlan {
  const inLocation = entries
    .filter((e) => e.location === rule.location || e.location === 'both')
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.name.localeCompare(a.name));
  const reasons = new Map<string, string[]>(inLocation.map((e) => [e.name, []]));
  const keepFor = (e: BackupEntry, why: string) => reasons.get(e.name)?.push(why);
  const regular = inLocation.filter((e) => retentionClassOf(e.name) === 'regular');
  const safety = inLocation.filter((e) => retentionClassOf(e.name) === 'safety');

  if (rule.keepLast !== undefined) {
    for (const [i, e] of regular.filter(usable).slice(0, rule.keepLast).entries())
      keepFor(e, `newest ${i + 1} of the last ${rule.keepLast}`);
  }
  if (rule.keepDays !== undefined) {
    const cutoff = now.getTime() - rule.keepDays * DAY_MS;
    for (const e of regular) if (Date.parse(e.createdAt) >= cutoff) keepFor(e, `younger than ${rule.keepDays} day(s)`);
  }
  const safetyDays = rule.safetyKeepDays ?? DEFAULT_SAFETY_KEEP_DAYS;
  const safetyCutoff = now.getTime() - safetyDays * DAY_MS;
  for (const e of safety)
    if (Date.parse(e.createdAt) >= safetyCutoff) keepFor(e, `pre-restore/pre-migration backup younger than ${safetyDays} day(s)`);

  const newestChecked = inLocation.find((e) => usable(e) && passedCheck(e));
  if (newestChecked)
    keepFor(
      newestChecked,
      `newest backup that passed ${newestChecked.verified?.level === 'restore' ? 'a test restore' : 'verify'}`,
    );
  for (const e of inLocation) {
    const why = protectedNames.get(e.name);
    if (why) keepFor(e, why);
  }

  const planned = (e: BackupEntry) => ({
    name: e.name,
    createdAt: e.createdAt,
    size: e.size,
    class: retentionClassOf(e.name),
    reasons: reasons.get(e.name) ?? [],
  });
  const keep = inLocation.filter((e) => (reasons.get(e.name) ?? []).length > 0).map(planned);
  const remove = inLocation.filter((e) => (reasons.get(e.name) ?? []).length === 0).map(planned);
  return { location: rule.location, keep, remove, bytesFreed: remove.reduce((a, e) => a + e.size, 0) };
}
