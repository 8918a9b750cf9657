import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { CliContext } from '../../src/main/doors/cli/CliContext';
import { buildProgram, runCli } from '../../src/main/doors/cli/program';

// Issue 2: "--help on every command". The tree is walked from the real program, so a command added later
// without a description or with broken help fails here without anyone listing it.
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-cli-help-'));
process.env.SYSNDD_ADMIN_HOME = home;
process.env.SYSNDD_ADMIN_SECRETS = 'memory';
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

interface Entry {
  path: string[];
  command: Command;
}

function walk(command: Command, prefix: string[] = []): Entry[] {
  return command.commands.flatMap((sub) => {
    const at = [...prefix, sub.name()];
    return [{ path: at, command: sub }, ...walk(sub, at)];
  });
}

const program = buildProgram(new CliContext({}, new PassThrough(), new PassThrough()));
const entries = walk(program);

async function help(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d: Buffer) => (stdout += d.toString()));
  err.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await runCli(argv, { stdout: out, stderr: err });
  return { code, stdout, stderr };
}

describe('sysndd-admin --help on every command', () => {
  it('the walk sees the whole tree (every capability group and nested subcommands)', () => {
    const names = entries.map((e) => e.path.join(' '));
    for (const group of ['jobs', 'profile', 'backup', 'restore', 'migrate', 'mail', 'preflight', 'serve', 'sandbox', 'audit'])
      expect(names.some((n) => n === group || n.startsWith(`${group} `))).toBe(true);
    expect(entries.some((e) => e.path.length >= 2)).toBe(true);
  });

  it('every command and subcommand has a description', () => {
    const missing = entries.filter((e) => e.command.description().trim() === '').map((e) => e.path.join(' '));
    expect(missing).toEqual([]);
  });

  it('the program itself prints usage and exits 0', async () => {
    const r = await help(['--help']);
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^Usage: sysndd-admin \[options\] \[command\]/);
  });

  it.each(entries.map((e) => [e.path.join(' '), e] as const))('%s --help prints usage and exits 0', async (_name, entry) => {
    const r = await help([...entry.path, '--help']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: sysndd-admin ${entry.path.join(' ')}`);
    // Help wraps long descriptions at the terminal width; compare with whitespace collapsed.
    const squash = (text: string) => text.replace(/\s+/g, ' ');
    expect(squash(r.stdout)).toContain(squash(entry.command.description()));
  });
});
