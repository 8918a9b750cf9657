import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaseRun, caseRun, describeRun, HostileEnv, LIVE, OTHER, outcomeViolations } from '../../fixtures/hostile/harness';
import { type CaseFamily, HOSTILE_CASES, REFUSAL_CODES } from '../../fixtures/hostile/index';
import { confinementViolations } from './confinement';

/**
 * Issue 11: a genuine mariadb-dump with one hostile statement injected (tests/fixtures/hostile/), restored
 * with confirm RESTORE through the app, must never reach past the target: see confinement.ts for the
 * invariants and tests/fixtures/hostile/README.md for the corpus. The self-tests first prove the harness
 * can fail: a genuine dump passes, injected text is really executed, and each invariant catches a change.
 */

let env: HostileEnv;

beforeAll(async () => {
  env = await HostileEnv.start('base');
}, 120_000);

afterAll(async () => {
  if (env) console.log(`hostile corpus: ${env.restarts} server restart(s), ${env.repairs} repair(s)`);
  await env?.close();
});

const control = (at: CaseRun['at']): CaseRun => ({
  id: `control-${at.join('-')}`,
  sql: "REPLACE INTO `gene` VALUES (777,'CONTROL','injected');",
  names: ['gene'],
  mayChangeTarget: true,
  codes: [...REFUSAL_CODES],
  at,
});

describe('hostile restore harness (self-test)', () => {
  it('a genuine dump restores through the app and keeps every invariant, the target included', async () => {
    const run: CaseRun = { ...control(['end']), id: 'genuine', sql: '-- nothing injected', names: [], mayChangeTarget: false };
    const { outcome, violations } = await env.runCase(run);
    expect(outcome.state, describeRun(run, outcome)).toBe('succeeded');
    expect(violations, describeRun(run, outcome)).toEqual([]);
  });

  it.each([['mid'], ['end']] as const)('a statement injected at %s is executed by the restore', async (at) => {
    const run = control([at]);
    const { outcome, violations, probed } = await env.runCase(run, async (root) => {
      const [rows] = await root.query(`SELECT symbol, updated_by FROM \`${LIVE}\`.gene WHERE id = 777`);
      return rows;
    });
    expect(outcome.state, describeRun(run, outcome)).toBe('succeeded');
    expect(probed).toEqual([{ symbol: 'CONTROL', updated_by: 'injected' }]);
    expect(violations).toEqual([]);
  });

  it('each invariant catches a change made behind its back', async () => {
    const before = env.baseline;
    fs.writeFileSync(path.join(env.outdir, 'planted.txt'), 'x');
    await env.root.query(`
      UPDATE ${OTHER}.t SET v = 'changed' WHERE id = 1;
      CREATE VIEW ${OTHER}.planted_v AS SELECT 1 AS x;
      CREATE TABLE mysql.planted_t (id INT);
      CREATE DATABASE planted_schema;
      CREATE USER 'sysndd_rst_0123abcd'@'%' IDENTIFIED BY 'pw-tmp-1';
      GRANT SELECT ON *.* TO 'canary'@'%';
      SET GLOBAL init_connect = 'SELECT 1';
      CREATE DATABASE ${LIVE}__restore_20000101_000000;
      INSERT INTO ${LIVE}.users VALUES (9, 'planted', NULL);
      CREATE EVENT ${LIVE}.planted_ev ON SCHEDULE EVERY 1 DAY DISABLE DO SELECT 1;
      INSTALL SONAME 'ha_blackhole';
      KILL ${env.canary.threadId};
    `);
    const after = await env.snapshot();
    const failed = confinementViolations(before, after, { succeeded: false, mayChangeTarget: false }).join('\n');
    for (const expected of [
      '(a) otherdb data (CHECKSUM TABLE)',
      '~ t:',
      '(a) otherdb objects (SHOW CREATE)',
      '+ view planted_v',
      '+ table mysql.planted_t',
      '+ planted_schema',
      "(b) accounts and SHOW GRANTS:\n    ~ 'canary'@'%'",
      "+ 'sysndd_rst_0123abcd'@'%'",
      '(b) mysql.* privilege/server/plugin tables',
      '~ init_connect:  → SELECT 1',
      '(d) temporary accounts left: sysndd_rst_0123abcd@%',
      `(e) shadow schemas left: ${LIVE}__restore_20000101_000000`,
      '(f) target after a failed restore data (CHECKSUM TABLE)',
      '+ event planted_ev',
      '(g) plugins',
      '(g) server files',
      '(g) the canary session was killed',
    ])
      expect(failed, `the checker must report ${JSON.stringify(expected)}`).toContain(expected);
    // A success that may change the target is not held to the target's old state; one that may not, is.
    const ok = confinementViolations(before, after, { succeeded: true, mayChangeTarget: true }).join('\n');
    expect(ok).not.toContain('(f)');
    expect(confinementViolations(before, after, { succeeded: true, mayChangeTarget: false }).join('\n')).toContain('(f) target');
    await env.restart();
    expect(confinementViolations(env.baseline, await env.snapshot(), { succeeded: false, mayChangeTarget: false })).toEqual([]);
  });

  it('the outcome check accepts only a named refusal or a success that names what it left out', () => {
    const run = { ...control(['mid']), names: ['init_connect'], mayChangeTarget: false };
    const o = {
      state: 'failed',
      code: 'RESTORE_STATEMENT_REFUSED',
      message: 'SET GLOBAL init_connect refused',
      warnings: [],
      log: [],
      restoreId: null,
    };
    expect(outcomeViolations(run, o)).toEqual([]);
    expect(outcomeViolations(run, { ...o, code: 'INTERNAL' })[0]).toContain('failed with INTERNAL');
    expect(outcomeViolations(run, { ...o, code: 'RESTORE_FAILED' })[0]).toContain('failed with RESTORE_FAILED');
    expect(outcomeViolations(run, { ...o, message: 'refused' })[0]).toContain('does not name');
    expect(outcomeViolations(run, { ...o, state: 'succeeded', code: null })[0]).toContain('without naming');
    expect(
      outcomeViolations(run, { ...o, state: 'succeeded', code: null, warnings: ['Left out SET GLOBAL init_connect'] }),
    ).toEqual([]);
  });
});

const families = [...new Set(HOSTILE_CASES.map((c) => c.family))] as CaseFamily[];

describe.each(families)('hostile corpus: %s', (family) => {
  it.each(HOSTILE_CASES.filter((c) => c.family === family).map((c) => [c.id, c] as const))('%s', async (_id, c) => {
    const run = caseRun(c);
    const { outcome, violations } = await env.runCase(run);
    expect(violations, `${describeRun(run, outcome)}\n${c.title}`).toEqual([]);
  });
});
