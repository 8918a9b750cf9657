import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundledMigrationsDir } from '../../../src/main/app/paths';
import { checksumOf, compressText, decompressText, normalizeMigrationText } from '../../../src/main/migrations/checksum';
import { discoverMigrations, explainBadName, readMigration } from '../../../src/main/migrations/files';
import { planMigration } from '../../../src/main/migrations/plan';

const dirs: string[] = [];
function folder(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mig-unit-'));
  dirs.push(dir);
  for (const [n, c] of Object.entries(files)) fs.writeFileSync(path.join(dir, n), c);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('checksum policy', () => {
  it('is stable across CRLF and a BOM, and changes on any other edit', () => {
    const lf = 'ALTER TABLE t ADD x INT;\n';
    expect(checksumOf(normalizeMigrationText(`\uFEFF${lf.replace('\n', '\r\n')}`))).toBe(checksumOf(normalizeMigrationText(lf)));
    expect(checksumOf(normalizeMigrationText(lf.replace('INT', 'INT '))).length).toBe(64);
    expect(checksumOf(normalizeMigrationText(lf.replace('INT', 'INT ')))).not.toBe(checksumOf(lf));
    expect(decompressText(compressText('héllo\n'))).toBe('héllo\n');
    expect(decompressText(null)).toBeNull();
  });
});

describe('discoverMigrations', () => {
  it('sorts by prefix, ignores non-SQL files, warns on gaps, rejects bad names and duplicate prefixes', async () => {
    const dir = folder({
      '002_b.sql': '',
      '000_a.sql': '',
      'README.md': '',
      '005_c.sql': '',
      '005_d.sql': '',
      'add-users.sql': '',
      '0007_long_prefix.sql': '',
      '008_CamelCase.sql': '',
    });
    const d = await discoverMigrations(dir);
    expect(d.files.map((f) => f.filename)).toEqual(['000_a.sql', '002_b.sql', '005_c.sql', '005_d.sql']);
    const codes = d.problems.map((p) => [p.code, p.severity, p.filename]);
    expect(codes).toEqual(
      expect.arrayContaining([
        ['MIGRATION_BAD_NAME', 'error', '0007_long_prefix.sql'],
        ['MIGRATION_BAD_NAME', 'error', '008_CamelCase.sql'],
        ['MIGRATION_BAD_NAME', 'error', 'add-users.sql'],
        ['DUPLICATE_PREFIX', 'error', '005_d.sql'],
        ['GAP', 'warning', '002_b.sql'],
        ['GAP', 'warning', '005_c.sql'],
      ]),
    );
    expect(d.problems.find((p) => p.filename === '002_b.sql')?.message).toContain('No file numbered 001');
    expect(d.problems.find((p) => p.filename === '005_c.sql')?.message).toContain('003–004');
  });

  it('explains each bad name with a suggestion', () => {
    expect(explainBadName('add-users.sql')).toContain('no numeric prefix');
    expect(explainBadName('12_Fix Stuff.sql')).toContain('e.g. 012_fix_stuff.sql');
    expect(explainBadName('001_Fix.sql')).toContain('lower-case letters');
    expect(explainBadName('001_fix.SQL')).toContain('lower-case .sql');
  });

  it('reports a missing folder and non-UTF-8 files clearly', async () => {
    await expect(discoverMigrations('/nonexistent/migrations')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const dir = folder({});
    fs.writeFileSync(path.join(dir, '001_latin1.sql'), Buffer.from([0x53, 0x45, 0x4c, 0xe9, 0x3b]));
    const d = await discoverMigrations(dir);
    await expect(readMigration(d.files[0] as (typeof d.files)[number])).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
  });
});

describe('bundled migrations', () => {
  it('are 000, 002, 003 (001 intentionally absent), parse cleanly, and use no MariaDB-only ADD COLUMN IF NOT EXISTS', async () => {
    const d = await discoverMigrations(bundledMigrationsDir());
    expect(d.files.map((f) => f.filename)).toEqual([
      '000_initialize_base_schema.sql',
      '002_add_genomic_annotations.sql',
      '003_fix_hgnc_column_schema.sql',
    ]);
    expect(d.problems.map((p) => [p.code, p.severity])).toEqual([['GAP', 'warning']]);
    for (const f of d.files) {
      const src = await readMigration(f);
      const plan = planMigration(src.text);
      expect(plan.error).toBeNull();
      for (const st of plan.statements) expect(st.text).not.toMatch(/ADD\s+COLUMN\s+IF\s+NOT\s+EXISTS/i);
      expect(plan.statements.length).toBeGreaterThan(0);
    }
    const p002 = planMigration((await readMigration(d.files[1] as (typeof d.files)[number])).text);
    expect(p002.statements.map((s) => s.class.verb)).toEqual([
      'DROP PROCEDURE',
      'CREATE PROCEDURE',
      'CALL migrate_002_add_genomic_annotations',
      'DROP PROCEDURE',
    ]);
    expect(p002.statements[2]?.class.behaviour).toBe('implicit-commit');
  });
});
