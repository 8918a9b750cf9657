import type { BackupListSort } from '../../../../shared/contract/backups';
import type { CachedFile } from './CatalogCache';

/** One catalog row before it becomes an entry: a file, and the same backup in the other location if any. */
export interface CatalogPair {
  file: CachedFile;
  copy: CachedFile | null;
}

/** One collator for every comparison: `localeCompare` builds one per call (most of a 10k-row sort). */
const byName = new Intl.Collator(undefined).compare;

/** The date an entry shows (toEntry: the better-described side speaks for both). */
function createdAtOf(p: CatalogPair): string {
  return p.copy && p.file.status === 'unknown' ? p.copy.createdAt : p.file.createdAt;
}

/** ISO dates of one format compare as strings. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Comparator of `backups.list`'s orders; ties go by name, so paging is stable across calls. */
export function comparePairs(sort: BackupListSort): (a: CatalogPair, b: CatalogPair) => number {
  switch (sort) {
    case 'oldest':
      return (a, b) => compareText(createdAtOf(a), createdAtOf(b)) || byName(a.file.name, b.file.name);
    case 'name':
      return (a, b) => byName(a.file.name, b.file.name);
    case 'name-desc':
      return (a, b) => byName(b.file.name, a.file.name);
    case 'largest':
      return (a, b) => b.file.size - a.file.size || byName(a.file.name, b.file.name);
    case 'smallest':
      return (a, b) => a.file.size - b.file.size || byName(a.file.name, b.file.name);
    default:
      return (a, b) => compareText(createdAtOf(b), createdAtOf(a)) || byName(a.file.name, b.file.name);
  }
}
