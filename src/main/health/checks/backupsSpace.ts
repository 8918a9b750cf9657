import fs from 'node:fs';
import path from 'node:path';
import { bytesText } from '../format';
import type { ReadinessCheckModule } from '../types';

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
 * Free space where the next local backup is written. The newest backup's size estimates the next one:
 * less free space than that fails (the backup would not fit), less than twice that (or under 1 GiB) warns.
 */
export const backupsSpaceCheck: ReadinessCheckModule = {
  id: 'backups.space',
  label: 'Backup folder space',
  fixPage: 'backups',
  async run({ app, profile, lookups }) {
    const dir = app.backups.localDir(profile);
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
    if (expected && free < expected) {
      return { status: 'fail', summary: `${summary}: the next backup (~${bytesText(expected)}) will not fit`, detail, metrics };
    }
    if (free < Math.max(2 * expected, MIN_FREE_BYTES)) {
      const why = free < 2 * expected ? 'room for at most one more backup' : `under ${bytesText(MIN_FREE_BYTES)}`;
      return { status: 'warn', summary: `${summary}: ${why}`, detail, metrics };
    }
    return { status: 'ok', summary, detail, metrics };
  },
};
