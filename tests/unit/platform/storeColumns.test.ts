import { describe, expect, it } from 'vitest';
import { camelCaseColumns } from '../../../src/main/platform/store/columns';

describe('camelCaseColumns', () => {
  it('names every column in camelCase, keeps values and column order', () => {
    const record = camelCaseColumns({ host: 'h', key_type: 'ssh-ed25519', mtime_ms: 5, last_seen_at: null, row_count_2: 1 });
    expect(record).toEqual({ host: 'h', keyType: 'ssh-ed25519', mtimeMs: 5, lastSeenAt: null, rowCount2: 1 });
    expect(Object.keys(record)).toEqual(['host', 'keyType', 'mtimeMs', 'lastSeenAt', 'rowCount2']);
  });
});
