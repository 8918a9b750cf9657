import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/doors/cli/program';
import type { ActorSettings } from '../../src/shared/contract/index';

let home: string;

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await runCli(argv, { stdout, stderr });
  return { code, out, err };
}

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-cli-settings-'));
  process.env.SYSNDD_ADMIN_HOME = home;
  process.env.SYSNDD_ADMIN_SECRETS = 'memory';
});

afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

describe('settings display-name (the name the audit log shows after the OS account)', () => {
  it('sets, shows and clears it; the audit actor is "account@host (name)"', async () => {
    const account = `${os.userInfo().username}@${os.hostname()}`;
    const shown = await run(['--json', 'settings', 'show']);
    expect(shown.code, shown.err).toBe(0);
    expect((JSON.parse(shown.out) as ActorSettings).actor).toBe(account);

    const set = await run(['settings', 'display-name', 'Jane Doe']);
    expect(set.code, set.err).toBe(0);
    expect(set.out).toContain(`Audit log actor: ${account} (Jane Doe)`);
    // Stored in the app data: a later process (any door) reads the same.
    const again = await run(['--json', 'settings', 'show']);
    expect(JSON.parse(again.out)).toMatchObject({ displayName: 'Jane Doe', actor: `${account} (Jane Doe)` });

    const cleared = await run(['--json', 'settings', 'display-name', '--clear']);
    expect(cleared.code, cleared.err).toBe(0);
    expect(JSON.parse(cleared.out)).toMatchObject({ displayName: null, actor: account });
  });

  it('needs a name or --clear (usage error, exit 2)', async () => {
    const none = await run(['settings', 'display-name']);
    expect(none.code).toBe(2);
    expect(none.err).toContain('--clear');
    const both = await run(['settings', 'display-name', 'X', '--clear']);
    expect(both.code).toBe(2);
    const blank = await run(['settings', 'display-name', '   ']);
    expect(blank.code).toBe(2);
  });
});
