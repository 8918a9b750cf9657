import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CreateBackupResult, VerifyResult } from '../../../src/shared/contract/backups';
import { type CaseRun, describeRun, HostileEnv, LIVE, namesOneOf, type RestoreOutcome } from '../../fixtures/hostile/harness';
import { REFUSAL_CODES } from '../../fixtures/hostile/index';
import { type MemberEdit, resealWithEdit } from '../../fixtures/hostile/reseal';
import { confinementViolations } from './confinement';

/**
 * Issue 11: our own backup format, edited by an attacker and re-sealed (member hashes and manifest
 * recomputed). It passes `backup verify` — integrity, not origin — and restoring it, or test-restoring it
 * with verify --scratch-restore, must still never reach past the target.
 */

interface Resealed {
  id: string;
  edit: MemberEdit;
  names: string[];
}

const append = (sql: string) => (text: string) => `${text.trimEnd()}\n${sql}\n`;

const RESEALED: Resealed[] = [
  {
    id: 'data-member-global-priv',
    edit: {
      kind: 'table-data',
      table: 'users',
      edit: append(`INSERT INTO\`mysql\`.\`global_priv\` VALUES ('%','backdoor','{"access":18446744073709551615}');`),
    },
    names: ['global_priv'],
  },
  {
    id: 'objects-member-trigger-otherdb',
    edit: {
      kind: 'objects',
      edit: append("CREATE TRIGGER `otherdb`.`x_bi` BEFORE INSERT ON `otherdb`.`t` FOR EACH ROW SET NEW.v = 'pwned';"),
    },
    names: ['otherdb'],
  },
  {
    id: 'objects-member-delimiter-procedure-otherdb',
    edit: {
      kind: 'objects',
      edit: append('DELIMITER ;;\nCREATE PROCEDURE `otherdb`.`p2`()\nBEGIN\n  DELETE FROM otherdb.t;\nEND ;;\nDELIMITER ;'),
    },
    names: ['otherdb'],
  },
  {
    id: 'preamble-set-init-connect',
    edit: { kind: 'preamble', edit: append("SET @a=1, GLOBAL init_connect='DROP DATABASE otherdb';") },
    names: ['init_connect'],
  },
  {
    id: 'schema-member-view-otherdb',
    edit: { kind: 'schema', edit: append("CREATE OR REPLACE VIEW `otherdb`.`v` AS SELECT 1 AS id, 'pwned' AS v;") },
    names: ['otherdb'],
  },
  {
    id: 'epilogue-grant',
    edit: { kind: 'epilogue', edit: append("GRANT ALL PRIVILEGES ON *.* TO 'canary'@'%' WITH GRANT OPTION;") },
    names: ['canary'],
  },
];

let env: HostileEnv;
let backup: string;
let fileNo = 0;

beforeAll(async () => {
  env = await HostileEnv.start('resealed');
  const job = await env.app.ok('backups.create', { profileId: env.profileId });
  const done = await env.app.app.jobs.wait(job.id, 120_000);
  expect(done.state, done.error?.message).toBe('succeeded');
  backup = (done.result as CreateBackupResult).path;
}, 180_000);

afterAll(async () => {
  if (env) console.log(`hostile re-sealed: ${env.restarts} server restart(s), ${env.repairs} repair(s)`);
  await env?.close();
});

/** The edited copy, in the profile's backup folder (a scratch-restore verify addresses it by name). */
async function resealed(edit: MemberEdit): Promise<{ file: string; name: string }> {
  fileNo++;
  const name = `${LIVE}_20000101T0000${String(fileNo).padStart(2, '0')}Z_resealed.sql.gz`;
  const file = path.join(path.dirname(backup), name);
  await resealWithEdit(backup, file, edit);
  return { file, name };
}

async function verify(args: { path: string } | { profileId: string; name: string; scratchRestore: true }) {
  const job = await env.app.ok('backups.verify', { scratchRestore: false, ...args });
  return env.app.app.jobs.wait(job.id, 120_000);
}

describe('re-sealed own-format backups', () => {
  it('control: a re-sealed edit passes verify and the restore executes it', async () => {
    const { file } = await resealed({
      kind: 'table-data',
      table: 'users',
      edit: append("REPLACE INTO `users` VALUES (777,'control','ctl@example.org');"),
      addedRows: 1,
    });
    const checked = await verify({ path: file });
    expect(checked.state).toBe('succeeded');
    expect((checked.result as VerifyResult).ok).toBe(true);
    const run: CaseRun = { id: 'resealed-control', sql: '', names: [], mayChangeTarget: true, codes: [...REFUSAL_CODES], at: [] };
    const { outcome, violations, probed } = await env.runFile(run, file, async (root) => {
      const [rows] = await root.query(`SELECT name FROM \`${LIVE}\`.users WHERE id = 777`);
      return rows;
    });
    expect(outcome.state, describeRun(run, outcome)).toBe('succeeded');
    expect(probed).toEqual([{ name: 'control' }]);
    expect(violations).toEqual([]);
  });

  it.each(RESEALED.map((r) => [r.id, r] as const))('%s: passes verify, and the restore stays confined', async (_id, r) => {
    const { file } = await resealed(r.edit);
    const checked = await verify({ path: file });
    expect(checked.state, checked.error?.message).toBe('succeeded');
    expect((checked.result as VerifyResult).ok).toBe(true);
    const run: CaseRun = {
      id: r.id,
      sql: String(r.edit.edit('')).trim(),
      names: r.names,
      mayChangeTarget: false,
      codes: [...REFUSAL_CODES],
      at: [],
    };
    const { outcome, violations } = await env.runFile(run, file);
    expect(violations, describeRun(run, outcome)).toEqual([]);
  });

  it.each(RESEALED.map((r) => [r.id, r] as const))('%s: verify --scratch-restore stays confined', async (_id, r) => {
    const { name } = await resealed(r.edit);
    const job = await verify({ profileId: env.profileId, name, scratchRestore: true });
    const log = (await env.app.ok('jobs.log', { id: job.id, afterSeq: 0 })).map((l) => `${l.level}: ${l.message}`);
    const after = await env.snapshot();
    // The scratch restore never touches the target: it is held to "unchanged" whatever the outcome.
    const violations = confinementViolations(env.baseline, after, { succeeded: false, mayChangeTarget: false });
    const named = (texts: string[]) => namesOneOf(r.names, texts);
    if (job.state === 'failed' && !['BACKUP_CORRUPT', ...REFUSAL_CODES].includes(job.error?.code ?? ''))
      violations.push(`(outcome) scratch verify failed with ${job.error?.code}: ${job.error?.message}`);
    if (job.state === 'failed' && !named([job.error?.message ?? '', ...log]))
      violations.push(`(outcome) the refusal does not name the statement (${r.names.join(', ')}): ${job.error?.message}`);
    if (job.state === 'succeeded' && !named(log.filter((l) => l.startsWith('warn'))))
      violations.push(`(outcome) the scratch restore succeeded without naming what it left out (${r.names.join(', ')})`);
    const outcome: RestoreOutcome = {
      state: job.state,
      code: job.error?.code ?? null,
      message: job.error?.message ?? '',
      warnings: [],
      log,
      restoreId: null,
    };
    await env.settle(outcome, after);
    expect(
      violations,
      `${r.id}: verify --scratch-restore ${job.state} ${job.error?.code ?? ''} ${job.error?.message ?? ''}`,
    ).toEqual([]);
  });
});
