import { HostKeyFingerprint } from '../../../shared/contract/connections';
import type { AppEvent } from '../../../shared/contract/events';
import type { ArgsIn, JobSnapshot, OperationName, ResultOf } from '../../../shared/contract/index';
import type { Failure } from '../../../shared/errors';
import { App } from '../../app/App';
import { AppError, toFailure } from '../../core/AppError';
import { type CallContext, dispatch } from '../../core/dispatch';
import { openHeadlessSecretStore } from '../../platform/secrets/KeyringSecretStore';
import { registerEnvBackupKeys } from './backupSecrets';
import { EXIT, type ExitCode, exitCodeFor } from './exitCodes';
import { cliHostKeyHooks } from './hostKeyPrompt';
import { JobFollower } from './JobFollower';
import { terminalSecretPrompt } from './secretPrompt';
import { closeApp, type GracefulShutdown } from './shutdown';
import { type DbTargetOptions, profileTargetFromFlags, type TargetNeeds } from './target';

/** Thrown to end a command with an exit code after its message was printed. */
export class CliExit extends Error {
  constructor(readonly code: ExitCode) {
    super(`exit ${code}`);
  }
}

export interface GlobalOptions {
  json?: boolean;
}

/**
 * What every command gets: the App (opened on first use), `call` through the same dispatch and validation
 * as the other doors, `--json`-aware output, job following with progress, and target resolution.
 */
export class CliContext {
  private appInstance: App | null = null;
  readonly ctx: CallContext = { door: 'cli', actor: `cli:${process.env.USER ?? 'unknown'}` };
  /** Set by runCli: a signal cancels the jobs of every App it watches and closes them. */
  shutdown: GracefulShutdown | null = null;

  constructor(
    readonly globals: GlobalOptions,
    readonly stdout: NodeJS.WritableStream = process.stdout,
    readonly stderr: NodeJS.WritableStream = process.stderr,
  ) {}

  get json(): boolean {
    return Boolean(this.globals.json);
  }

  async app(): Promise<App> {
    if (!this.appInstance) {
      const secrets = await openHeadlessSecretStore(process.env.SYSNDD_ADMIN_SECRETS === 'memory');
      // Every command that connects may need a secret the store lacks (on a terminal, ask for it) and meet
      // a host key for the first time inside a tunnel (see hostKeyPrompt.ts).
      const hooks = { secretPrompt: terminalSecretPrompt(this.json), ...cliHostKeyHooks(this) };
      this.appInstance = new App({ door: 'cli', secrets, hooks });
      this.shutdown?.watch(this.appInstance);
      registerEnvBackupKeys(this.appInstance.knownSecrets);
    }
    return this.appInstance;
  }

  /** Call an operation; on failure print it (JSON or words) and end with the mapped exit code. */
  async call<K extends OperationName>(name: K, args: ArgsIn<K>): Promise<ResultOf<K>> {
    const app = await this.app();
    const r = await dispatch(app.handlers, name, args, this.ctx);
    if (!r.ok) this.fail(r);
    return r.value as ResultOf<K>;
  }

  /**
   * `--profile NAME|ID` of a saved profile → its id, through operations like any other read: a name first
   * (profiles.list), else an id (profiles.get; NOT_FOUND ends the command).
   */
  async savedProfileId(nameOrId: string): Promise<string> {
    const byName = (await this.call('profiles.list', {})).find((p) => p.name === nameOrId);
    return byName ? byName.id : (await this.call('profiles.get', { id: nameOrId })).id;
  }

  /** The App's events (job.updated, mail.captured, …), as the other doors forward them (Api.subscribe). */
  async subscribe(listener: (event: AppEvent) => void): Promise<() => void> {
    return (await this.app()).events.subscribe(listener);
  }

  fail(failure: Failure, exitCode: ExitCode = exitCodeFor(failure.code)): never {
    if (this.json) this.stdout.write(`${JSON.stringify(failure)}\n`);
    else this.printFailure(failure);
    throw new CliExit(exitCode);
  }

  /** `error [CODE]: message` on stderr, and what the code means in words when the message alone does not say it. */
  printFailure(failure: { code: string; message: string }): void {
    this.stderr.write(`error [${failure.code}]: ${failure.message}\n`);
    const hint = isKnownCode(failure.code) ? ERROR_HINTS[failure.code] : undefined;
    if (hint) this.stderr.write(`  ${hint}\n`);
  }

  /** `--profile` or `--url`/`--ssh` → a profile id (a transient profile for flags). */
  async resolveTarget(opts: DbTargetOptions, needs: TargetNeeds = {}): Promise<string> {
    const app = await this.app();
    try {
      if (opts.profile && (needs.folders?.dir || needs.folders?.remoteDir))
        throw new AppError(
          'INVALID_ARGUMENT',
          `--dir and --remote-dir go with --url; profile "${opts.profile}" has its folders as settings (profile edit --local-backup-dir / --remote-backup-dir).`,
        );
      const accept = opts.acceptHostKey === undefined ? undefined : acceptedFingerprint(opts.acceptHostKey);
      let id: string;
      if (opts.profile) id = app.profiles.resolve(opts.profile).id;
      else {
        const { input, secrets } = await profileTargetFromFlags(opts, needs);
        // Prompted or env secrets of a --url target bypass the secret store: register them for log scrubbing.
        for (const value of Object.values(secrets)) app.knownSecrets.add(value);
        id = (await app.profiles.createTransient(input, secrets)).id;
      }
      // Every tunnel of this profile then pins exactly that key on first contact, and refuses any other.
      if (accept) app.connections.acceptHostKey(id, accept);
      return id;
    } catch (err) {
      return this.fail(toFailure(err));
    }
  }

  /** Print a result: JSON with `--json`, else the human rendering (or JSON when none is given). */
  output<T>(value: T, human?: (value: T) => string | undefined): void {
    if (this.json || !human) {
      this.stdout.write(`${JSON.stringify(value, null, this.json ? undefined : 2)}\n`);
      return;
    }
    const text = human(value);
    if (text) this.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }

  /** Print a listing: JSON with `--json`, else a line an item, or `empty` when there is none. */
  outputList<T>(items: T[], line: (item: T) => string, empty: string): void {
    this.output(items, (list) => (list.length ? list.map(line).join('\n') : empty));
  }

  /** Follow a job to its end with a TTY bar (or JSON lines with --json); Ctrl+C cancels it. */
  async follow(job: JobSnapshot): Promise<JobSnapshot> {
    const app = await this.app();
    return new JobFollower(app, this.json, this.stdout, this.stderr).follow(job);
  }

  /** Exit code for a finished job: 0 succeeded, 1 failed, 3 refused-style failures, 1 cancelled. */
  jobExit(job: JobSnapshot): ExitCode {
    if (job.state === 'succeeded') return EXIT.OK;
    if (job.error && isKnownCode(job.error.code)) return exitCodeFor(job.error.code);
    return EXIT.FAILED;
  }

  async close(): Promise<void> {
    // closeApp: the signal handler may be closing the same App at this moment.
    if (this.appInstance) await closeApp(this.appInstance);
    this.appInstance = null;
  }
}

import { ERROR_CODES, ERROR_HINTS, type ErrorCode } from '../../../shared/errors';

/** `--accept-host-key` as ssh-keygen -l prints it, checked before anything connects. */
function acceptedFingerprint(raw: string): string {
  const parsed = HostKeyFingerprint.safeParse(raw.trim());
  if (!parsed.success)
    throw new AppError('INVALID_ARGUMENT', `--accept-host-key must look like SHA256:… (as ssh-keygen -lf prints it), got ${raw}`);
  return parsed.data;
}

function isKnownCode(code: string): code is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(code);
}
