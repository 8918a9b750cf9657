import type { Command } from 'commander';
import type { CliContext } from './CliContext';

/** A flag that takes a whole number ≥ 1 (`--workers`, `--keep-last`, `--from`); absent stays undefined. */
export function positiveInt(cli: CliContext, value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    cli.fail({ ok: false, code: 'INVALID_ARGUMENT', message: `${flag} must be a whole number ≥ 1, got "${value}".` });
  return n;
}

/** The filters every history listing takes (`jobs list`, `audit list`), worded the same everywhere. */
function addHistoryFilters(cmd: Command, items: string, defaultLimit: number): Command {
  return cmd.option('--profile <id>', 'only this profile id').option('--limit <n>', `at most n ${items}`, String(defaultLimit));
}

/** A history listing (`jobs list`, `audit list`), newest first: its own filters, then the history filters. */
export function addHistoryListCommand(
  parent: Command,
  listing: { description: string; filters: Array<[flags: string, description: string]>; items: string; defaultLimit: number },
): Command {
  const list = parent.command('list').description(listing.description);
  for (const [flags, description] of listing.filters) list.option(flags, description);
  return addHistoryFilters(list, listing.items, listing.defaultLimit);
}

export interface HistoryFilterFlags {
  profile?: string;
  limit: string;
}

/** The history filters as the list operations take them (a bad number is refused by the contract). */
export function historyFilterArgs(o: HistoryFilterFlags): { profileId?: string; limit: number } {
  return { profileId: o.profile, limit: Number(o.limit) };
}
