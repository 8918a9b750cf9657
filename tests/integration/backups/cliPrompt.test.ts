import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * The CLI's terminal confirmation prompt, on a real pseudo-terminal (util-linux `script`): without
 * --confirm on a TTY, `backup delete` and `backup prune` ask for DELETE (what to type comes from
 * safety.check); an empty answer changes nothing and writes no audit row. Without a TTY the same commands
 * are refused with exit 3 (tests/unit/cliBackupTargets.test.ts).
 */
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..', '..');
const BIN = path.join(ROOT, 'bin', 'sysndd-admin.mjs');
const TARGET = 'mysql://app@127.0.0.1:1/sysndd_db';
let home: string;
let dir: string;

function plant(name: string, mtime: Date): void {
  const file = path.join(dir, name);
  fs.writeFileSync(file, 'CREATE TABLE t (a int);\n-- Dump completed on 2026-01-01\n');
  fs.utimesSync(file, mtime, mtime);
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs the CLI on a pseudo-terminal; types `answer` once `prompt` shows. Resolves with the output and exit code. */
function onTty(args: string[], prompt: string, answer: string): Promise<{ code: number; out: string }> {
  const command = `${[process.execPath, BIN, ...args].map(quote).join(' ')}; echo "EXIT=$?"`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], {
      env: { ...process.env, SYSNDD_ADMIN_HOME: home, SYSNDD_ADMIN_SECRETS: 'memory' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let answered = false;
    const onData = (d: Buffer) => {
      out += d.toString();
      if (!answered && out.includes(prompt)) {
        answered = true;
        child.stdin?.write(`${answer}\r`);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no exit within 90 s: ${out}`));
    }, 90_000);
    child.on('exit', () => {
      clearTimeout(timer);
      const m = /EXIT=(\d+)/.exec(out);
      if (!m) reject(new Error(`no exit code in: ${out}`));
      else resolve({ code: Number(m[1]), out });
    });
  });
}

async function auditRows(): Promise<Array<{ action: string; result: string; target: string }>> {
  const { code, out } = await onTty(['--json', 'audit', 'list'], '\u0000never', '');
  expect(code).toBe(0);
  return JSON.parse(out.slice(out.indexOf('['), out.lastIndexOf(']') + 1)) as Array<{
    action: string;
    result: string;
    target: string;
  }>;
}

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-cli-tty-'));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-cli-tty-dir-'));
});

afterEach(() => {
  fs.rmSync(home, { recursive: true, force: true });
  fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!fs.existsSync('/usr/bin/script'))('terminal confirmation prompt (real pseudo-terminal)', () => {
  it('backup delete asks for DELETE: typed, the file goes; an empty answer keeps it, exit 3, no audit row', async () => {
    plant('a.sql', new Date());
    plant('b.sql', new Date());
    const kept = await onTty(['backup', 'delete', 'a.sql', '--url', TARGET, '--dir', dir], 'Type DELETE:', '');
    expect(kept.code, kept.out).toBe(3);
    expect(kept.out).toContain('Type DELETE (exactly, in capitals) to confirm');
    expect(kept.out).toContain('Not confirmed; nothing was changed.');
    expect(fs.readdirSync(dir).sort()).toEqual(['a.sql', 'b.sql']);

    const gone = await onTty(['backup', 'delete', 'a.sql', '--url', TARGET, '--dir', dir], 'Type DELETE:', 'DELETE');
    expect(gone.code, gone.out).toBe(0);
    expect(gone.out).toContain(`Deleted ${path.join(dir, 'a.sql')}`);
    expect(fs.readdirSync(dir)).toEqual(['b.sql']);
    expect((await auditRows()).map((r) => [r.action, r.result, r.target])).toEqual([
      ['backups.delete', 'succeeded', 'local:a.sql'],
    ]);
  });

  it('backup prune shows the plan with its reasons, then asks; only DELETE applies it', async () => {
    plant('old.sql', new Date(Date.UTC(2026, 0, 1)));
    plant('new.sql', new Date(Date.UTC(2026, 0, 2)));
    const args = ['backup', 'prune', '--url', TARGET, '--dir', dir, '--keep-last', '1'];
    const declined = await onTty(args, 'Type DELETE to delete', 'delete');
    expect(declined.code, declined.out).toBe(0);
    expect(declined.out).toContain('kept: newest 1 of the last 1');
    expect(declined.out).toContain('Nothing deleted.');
    expect(fs.readdirSync(dir).sort()).toEqual(['new.sql', 'old.sql']);

    const applied = await onTty(args, 'Type DELETE to delete', 'DELETE');
    expect(applied.code, applied.out).toBe(0);
    expect(applied.out).toContain('Deleted 1 local backup(s)');
    expect(fs.readdirSync(dir)).toEqual(['new.sql']);
  });
});
