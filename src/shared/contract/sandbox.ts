import { z } from 'zod';
import { Id } from './common';
import { op } from './define';
import { JobSnapshot } from './jobs';

/** The server a sandbox runs: MariaDB (`mariadbd`) or Oracle MySQL (a `mysqld` 8.0.30+). One sandbox per engine. */
export const SandboxEngine = z.enum(['mariadb', 'mysql']);
export type SandboxEngine = z.infer<typeof SandboxEngine>;

/** Which sandbox `status` / `stop` mean; default: the running one, else the last started, else the first available. */
export const SandboxRef = z.object({ engine: SandboxEngine.optional() }).strict();
export type SandboxRef = z.infer<typeof SandboxRef>;

/** Which sandbox to start: `engine`, by default the engine of `fromProfileId`'s server, else as SandboxRef. */
export const SandboxStartArgs = SandboxRef.extend({
  /** The profile the user works with (or restores from): its recorded server engine picks the default. */
  fromProfileId: Id.optional(),
});
export type SandboxStartArgs = z.infer<typeof SandboxStartArgs>;

/** One engine on this machine: are its server binaries found (else what to install), is its sandbox running. */
export const SandboxEngineAvailability = z.object({
  engine: SandboxEngine,
  /** This engine's server binaries were found on this machine. */
  available: z.boolean(),
  /** Why the sandbox cannot run here (what to install); null when available. */
  unavailableReason: z.string().nullable(),
  running: z.boolean(),
});
export type SandboxEngineAvailability = z.infer<typeof SandboxEngineAvailability>;

/** The local sandbox: a private MariaDB or MySQL in the app-data folder with a `development` profile and sample data. */
export const SandboxStatus = SandboxEngineAvailability.extend({
  /** Both engines: found on this machine, running. */
  engines: z.array(SandboxEngineAvailability),
  /** The loopback port (kept across restarts); null before the first start. */
  port: z.number().int().nullable(),
  pid: z.number().int().nullable(),
  /** Where the sandbox keeps its data (`<app home>/sandbox`). */
  dataDir: z.string(),
  /** The "Local sandbox" profile, once created. */
  profileId: z.string().nullable(),
  database: z.string(),
});
export type SandboxStatus = z.infer<typeof SandboxStatus>;

/** What a finished `sandbox.start` job returns. */
export const SandboxStartResult = z.object({
  engine: SandboxEngine,
  profileId: z.string(),
  port: z.number().int(),
  database: z.string(),
  /** True when this start created the server's data folder. */
  initialized: z.boolean(),
  /** Rows inserted into the sample tables by this start (0 once loaded before). */
  sampleRows: z.number().int(),
});
export type SandboxStartResult = z.infer<typeof SandboxStartResult>;

export const sandboxOperations = {
  'sandbox.status': op('Local sandbox: binaries found, running, port, data folder, profile', SandboxRef, SandboxStatus),
  'sandbox.start': op(
    'Start the local MariaDB or MySQL sandbox (first time: initialise it, create its development profile, load sample data)',
    SandboxStartArgs,
    JobSnapshot,
    { risk: 'write' },
  ),
  'sandbox.stop': op('Stop the local sandbox server (its data is kept)', SandboxRef, SandboxStatus, { risk: 'write' }),
} as const;
