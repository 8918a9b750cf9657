import { PassThrough } from 'node:stream';
import { runCli } from '../../../src/main/doors/cli/program';

export interface CliRun {
  code: number;
  out: string;
  err: string;
  /** The last stdout line as JSON (the result with --json; progress lines come before it). */
  json<T = unknown>(): T;
}

/**
 * Runs `sysndd-admin ARGV` in-process against app home `home` (memory secret store, like a fresh CLI
 * process without a keychain), capturing stdout, stderr and the exit code.
 */
export async function cli(argv: string[], home: string): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const prev = { home: process.env.SYSNDD_ADMIN_HOME, secrets: process.env.SYSNDD_ADMIN_SECRETS };
  process.env.SYSNDD_ADMIN_HOME = home;
  process.env.SYSNDD_ADMIN_SECRETS = 'memory';
  try {
    const code = await runCli(argv, { stdout, stderr });
    return { code, out, err, json: <T>() => JSON.parse(out.trim().split('\n').at(-1) as string) as T };
  } finally {
    restore('SYSNDD_ADMIN_HOME', prev.home);
    restore('SYSNDD_ADMIN_SECRETS', prev.secrets);
  }
}

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}
