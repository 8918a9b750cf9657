import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CaseRun, describeRun, HostileEnv, LIVE } from '../../fixtures/hostile/harness';
import { HOSTILE_CASES } from '../../fixtures/hostile/index';
import { unparsable } from '../../fixtures/hostile/parseCheck';
import { generateVariants, VARIANT_SEED } from '../../fixtures/hostile/variants';

/**
 * Issue 11, generated half of the corpus: 40 variants (fast-check, fixed seed VARIANT_SEED) of the hostile
 * statements, each injected into a genuine dump and restored on its own, held to the same invariants as the
 * base cases (hostile.test.ts). The last test proves the variants are SQL the server reads.
 */

const variants = generateVariants();
let env: HostileEnv;

beforeAll(async () => {
  env = await HostileEnv.start('variants');
}, 120_000);

afterAll(async () => {
  if (env) console.log(`hostile variants (seed ${VARIANT_SEED}): ${env.restarts} server restart(s), ${env.repairs} repair(s)`);
  await env?.close();
});

describe.each(['tokens', 'set', 'qualified', 'delimiter'] as const)('hostile variants: %s', (kind) => {
  it.each(variants.filter((v) => v.kind === kind).map((v) => [v.id, v] as const))('%s', async (_id, v) => {
    const run: CaseRun = { id: v.id, sql: v.sql, names: v.names, mayChangeTarget: false, codes: v.codes, at: ['mid', 'end'] };
    const { outcome, violations } = await env.runCase(run);
    expect(violations, describeRun(run, outcome)).toEqual([]);
  });
});

describe('hostile corpus: the statements are real SQL', () => {
  it('the server parses every base case and every variant (run as root on a server thrown away afterwards)', async () => {
    const snippets = [
      ...HOSTILE_CASES.filter((c) => !c.notParseChecked).map((c) => ({ id: c.id, sql: env.fill(c.sql) })),
      ...variants.filter((v) => !v.notParseChecked).map((v) => ({ id: v.id, sql: v.sql })),
    ];
    expect(snippets.length).toBeGreaterThan(150);
    expect(await unparsable(() => env.connectRoot({ database: LIVE }), snippets)).toEqual([]);
  });
});
