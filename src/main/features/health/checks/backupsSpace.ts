import fs from 'node:fs';
import path from 'node:path';
import { bytesText } from '../format';
import { checkRow, type ReadinessCheckModule } from '../types';

/** Below this much free space the row warns even when no backup exists yet to size the next one by. */
export const MIN_FREE_BYTES = 1024 ** 3;

/** The folder itself, or (not created yet) the nearest existing parent: where the next backup lands. */
async function existingAncestor(dir: string): Promise<string> {
  let current = path.resolve(dir);
  for (;;) {
    try {
      await fs.promises.access(current);
      return current;
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}

/**
 * When the row turns: free space under `failBelowBackups` × the newest backup's size fails (the next one
 * would not fit), under `warnBelowBackups` × that size or under `minFreeBytes` warns.
 */
export interface SpaceThresholds {
  minFreeBytes: number;
  failBelowBackups: number;
  warnBelowBackups: number;
}

export const DEFAULT_SPACE_THRESHOLDS: SpaceThresholds = {
  minFreeBytes: MIN_FREE_BYTES,
  failBelowBackups: 1,
  warnBelowBackups: 2,
};

const times = (n: number) => (n === 1 ? 'one' : n === 2 ? 'two' : String(n));

/**
 * Free space where the next local backup is written. The newest backup's size estimates the next one:
 * less free space than that fails (the backup would not fit), less than twice that (or under 1 GiB) warns.
 * A factory so tests can move the thresholds instead of filling a disk: free space is measured for real.
 */
export function createBackupsSpaceCheck(thresholds: SpaceThresholds = DEFAULT_SPACE_THRESHOLDS): ReadinessCheckModule {
  const { minFreeBytes, failBelowBackups, warnBelowBackups } = thresholds;
  return {
    ...checkRow('backups.space', 'Backup folder space', 'backups'),
    async run({ services, profile, lookups }) {
      const dir = services.backups.localDir(profile);
      const at = await existingAncestor(dir);
      const st = await fs.promises.statfs(at);
      const free = st.bavail * st.bsize;
      const total = st.blocks * st.bsize;
      // The list (shared with the age row) sizes the next backup; without it the 1 GiB floor still applies.
      const list = await lookups.backups().catch(() => null);
      const newest = list?.entries
        .filter((e) => e.status === 'complete' && e.location !== 'remote')
        .sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
      const expected = newest?.size ?? 0;
      const metrics = { freeBytes: free, totalBytes: total, expectedBackupBytes: expected || null, folder: dir };
      const summary = `${bytesText(free)} free of ${bytesText(total)}`;
      const detail = `${dir}${at !== path.resolve(dir) ? ` (not created yet; measured at ${at})` : ''}${expected ? `; the newest local backup is ${bytesText(expected)}` : ''}.`;
      if (expected && free < failBelowBackups * expected) {
        const what =
          failBelowBackups === 1
            ? `the next backup (~${bytesText(expected)})`
            : `${times(failBelowBackups)} more backups (~${bytesText(expected)} each)`;
        return { status: 'fail', summary: `${summary}: ${what} will not fit`, detail, metrics };
      }
      if (free < Math.max(warnBelowBackups * expected, minFreeBytes)) {
        const why =
          free < warnBelowBackups * expected
            ? `room for fewer than ${times(warnBelowBackups)} more backups`
            : `under ${bytesText(minFreeBytes)}`;
        return { status: 'warn', summary: `${summary}: ${why}`, detail, metrics };
      }
      return { status: 'ok', summary, detail, metrics };
    },
  };
}

export const backupsSpaceCheck: ReadinessCheckModule = createBackupsSpaceCheck();
