import fs from 'node:fs';
import path from 'node:path';
import { type Door, guardHandlers, type Handlers } from '../core/dispatch';
import { EventBus } from '../core/EventBus';
import { AuditLog } from '../features/audit/AuditLog';
import { BackupService } from '../features/backups/BackupService';
import { BackupDiffService } from '../features/backups/diff/BackupDiffService';
import { ConnectionManager } from '../features/connections/ConnectionManager';
import { SECRET_ENV } from '../features/connections/secretSources';
import { ReadinessService } from '../features/health/ReadinessService';
import { MailService } from '../features/mail/MailService';
import { MigrationService } from '../features/migrations/MigrationService';
import { ProfileService } from '../features/profiles/ProfileService';
import { RestoreService } from '../features/restore/RestoreService';
import { ActorIdentity } from '../features/safety/ActorIdentity';
import { ContractSafetyGate } from '../features/safety/SafetyGate';
import { SandboxService } from '../features/sandbox/SandboxService';
import { EventLoopMonitor } from '../platform/EventLoopMonitor';
import { JobRunner } from '../platform/jobs/JobRunner';
import { JobStore } from '../platform/jobs/JobStore';
import { createAppLogger, type Logger } from '../platform/logging/logger';
import { KnownSecrets, ObservedSecretStore } from '../platform/logging/secretScrub';
import { defaultHome } from '../platform/paths';
import type { SecretStore } from '../platform/secrets/SecretStore';
import { AppDatabase } from '../platform/store/AppDatabase';
import type { DoorHooks } from './DoorHooks';
import { createHandlers } from './handlers';

export interface AppOptions {
  door: Door;
  secrets: SecretStore;
  /** App-data folder; defaults to SYSNDD_ADMIN_HOME or the platform convention. */
  home?: string;
  /** What only this door can do: terminal prompts (CLI), the save dialog and file manager (Electron). */
  hooks?: DoorHooks;
}

/**
 * The composition root: every service, built once, shared by whichever door is in front. It only composes:
 * each service declares the few collaborators it uses (`<Service>Deps`), and the constructor builds them in
 * dependency order, so a service can only be handed what already exists. Capabilities add their service
 * here and their handlers in `handlers.ts`; door-specific behaviour comes in as `DoorHooks`.
 */
export class App {
  readonly home: string;
  readonly door: Door;
  readonly store: AppDatabase;
  readonly events = new EventBus();
  readonly logger: Logger;
  readonly secrets: SecretStore;
  /** Secret values seen by this process; the log scrubs them from every line (logging/secretScrub.ts). */
  readonly knownSecrets = new KnownSecrets();
  readonly jobHistory: JobStore;
  readonly jobs: JobRunner;
  readonly audit: AuditLog;
  /** Who the audit log names (OS account and host, plus an optional display name). */
  readonly actor: ActorIdentity;
  /** The contract's confirmation and audit rules, applied by dispatch for every door. */
  readonly safety: ContractSafetyGate;
  readonly profiles: ProfileService;
  readonly connections: ConnectionManager;
  readonly sandbox: SandboxService;
  readonly mail: MailService;
  readonly migrations: MigrationService;
  readonly backups: BackupService;
  /** One table of a backup compared with the live table (its diffs live as long as the process). */
  readonly backupDiffs: BackupDiffService;
  readonly restore: RestoreService;
  readonly health: ReadinessService;
  readonly eventLoop = new EventLoopMonitor();
  readonly handlers: Handlers;
  private readonly closers: Array<() => Promise<void> | void> = [];

  constructor(options: AppOptions) {
    this.home = options.home ?? defaultHome();
    this.door = options.door;
    fs.mkdirSync(this.home, { recursive: true, mode: 0o700 });
    this.store = new AppDatabase(path.join(this.home, 'sysndd-admin.sqlite'));
    // Env stand-ins for secrets (MYSQL_PWD, SMTP_PASSWORD, …) are secrets too, whether or not a door uses them.
    for (const name of Object.values(SECRET_ENV)) this.knownSecrets.add(process.env[name]);
    this.logger = createAppLogger(this.home, this.door, this.events, this.knownSecrets);
    this.secrets = new ObservedSecretStore(options.secrets, this.knownSecrets);
    this.jobHistory = new JobStore(this.store);
    this.jobs = new JobRunner(this.jobHistory, this.events);
    this.audit = new AuditLog(this.store);
    this.actor = new ActorIdentity(this.store);
    this.profiles = new ProfileService(this.store, this.secrets, this.events);
    this.connections = new ConnectionManager(this.store, this.profiles, this.events, {
      envSecrets: this.door === 'cli',
      ...this.connectionHooks(options.hooks ?? {}),
    });
    const { home, door, store, events, logger, secrets, knownSecrets, jobs, audit, actor, profiles, connections } = this;
    const onClose = (closer: () => Promise<void> | void) => this.onClose(closer);
    // Pruning keeps the pre-restore backups a restore can still roll back to; the restore service is built
    // after this one (it takes pre-restore backups), so the list is read through the App when pruning.
    const restoreRuns = { list: (filter: { profileId?: string; limit?: number }) => this.restore.list(filter) };
    this.backups = new BackupService(
      {
        home,
        store,
        secrets,
        knownSecrets,
        logger,
        actor,
        jobs,
        profiles,
        connections,
        restore: restoreRuns,
      },
      options.hooks ?? {},
    );
    const backups = this.backups;
    this.migrations = new MigrationService({ store, jobs, profiles, connections, backups });
    const migrations = this.migrations;
    this.restore = new RestoreService({ store, jobs, audit, profiles, connections, backups, migrations });
    this.sandbox = new SandboxService({ home, door, events, jobs, profiles, connections, backups, migrations, onClose });
    // After the sandbox registered its server's stop: closers run last-first, so pools to the sandbox close
    // before its server stops.
    this.onClose(() => this.connections.closeAll());
    this.backupDiffs = new BackupDiffService({ jobs, profiles, connections });
    this.mail = new MailService({ store, events, jobs, profiles, connections, onClose });
    this.health = new ReadinessService({ profiles, connections, migrations, backups, mail: this.mail });
    const { restore, backupDiffs } = this;
    this.safety = new ContractSafetyGate({ actor, audit, jobs, profiles, migrations, restore, backupDiffs });
    this.handlers = guardHandlers(createHandlers(this), this.safety);
  }

  /** The door's prompts, with every typed-in secret registered for log scrubbing on its way in. */
  private connectionHooks({ secretPrompt, ...hostKeyHooks }: DoorHooks): DoorHooks {
    if (!secretPrompt) return hostKeyHooks;
    return {
      ...hostKeyHooks,
      secretPrompt: async (profile, name) => {
        const answer = await secretPrompt(profile, name);
        this.knownSecrets.add(answer);
        return answer;
      },
    };
  }

  /** Register something to close on shutdown (tunnels, pools, servers), last registered closed first. */
  onClose(closer: () => Promise<void> | void): void {
    this.closers.push(closer);
  }

  /** Cancel running jobs (so each cleans up: locks, shadow schemas, partial files), then close everything. */
  async close(jobGraceMs?: number): Promise<void> {
    await this.jobs.cancelAll(jobGraceMs); // bounded: after a signal's grace period ran out, 0 (do not wait again)
    for (const closer of this.closers.reverse()) {
      try {
        await closer();
      } catch {
        // Keep closing the rest.
      }
    }
    this.eventLoop.stop();
    this.store.close();
  }
}
