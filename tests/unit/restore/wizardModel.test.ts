import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, restoreArgs, restoreHashParams } from '../../../src/renderer/components/restore/model';

describe('restore wizard model', () => {
  it('reads the preselection the Backups page puts in the hash', () => {
    const file = '/home/me/backups/sysndd_20260101T000000Z.sql.gz';
    expect(restoreHashParams(`#/restore?profile=p-1&file=${encodeURIComponent(file)}`)).toEqual({ profile: 'p-1', file });
    expect(restoreHashParams('#/restore')).toEqual({ profile: null, file: null });
    expect(restoreHashParams('#/restore?file=')).toEqual({ profile: null, file: null });
  });

  it('sends the profile database unless another one is typed, and trims the path', () => {
    const base = { file: '  /x/dump.sql ', targetProfileId: 'p', targetDatabase: '  ', options: DEFAULT_OPTIONS };
    expect(restoreArgs(base)).toEqual({ profileId: 'p', file: '/x/dump.sql', options: DEFAULT_OPTIONS });
    expect(restoreArgs({ ...base, targetDatabase: ' copy ' }).targetDatabase).toBe('copy');
  });
});
