import type { BackupEntry, PrunePlan } from '../../../shared/contract/backups';

export interface RetentionRuleInput {
  keepLast?: number;
  keepDays?: number;
  location: 'local' | 'remote';
}

/**
 * Which backups of one location a retention rule keeps. A backup is kept when it is among the newest
 * `keepLast` usable backups OR younger than `keepDays` days — deleting needs both rules to agree, so adding a
 * rule never deletes more. Incomplete or corrupt files do not count toward `keepLast` (they cannot be
 * restored), so a run of failed backups never pushes the last good ones out.
 */
export function planRetention(entries: readonly BackupEntry[], rule: RetentionRuleInput, now = new Date()): PrunePlan {
  const inLocation = entries
    .filter((e) => e.location === rule.location || e.location === 'both')
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.name.localeCompare(a.name));
  const keepNames = new Set<string>();
  if (rule.keepLast !== undefined) {
    const usable = inLocation.filter((e) => e.status === 'complete' || e.status === 'unknown');
    for (const e of usable.slice(0, rule.keepLast)) keepNames.add(e.name);
  }
  if (rule.keepDays !== undefined) {
    const cutoff = now.getTime() - rule.keepDays * 86_400_000;
    for (const e of inLocation) if (Date.parse(e.createdAt) >= cutoff) keepNames.add(e.name);
  }
  const brief = (e: BackupEntry) => ({ name: e.name, createdAt: e.createdAt, size: e.size });
  const keep = inLocation.filter((e) => keepNames.has(e.name)).map(brief);
  const remove = inLocation.filter((e) => !keepNames.has(e.name)).map(brief);
  return { location: rule.location, keep, remove, bytesFreed: remove.reduce((a, e) => a + e.size, 0) };
}
