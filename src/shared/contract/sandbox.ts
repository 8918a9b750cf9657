import { z } from 'zod';
import { Empty } from './common';
import { op } from './define';
import { JobSnapshot } from './jobs';

/** The local sandbox: a private MariaDB in the app-data folder with a `development` profile and sample data. */
export const SandboxStatus = z.object({
  /** MariaDB server binaries were found on this machine. */
  available: z.boolean(),
  /** Why the sandbox cannot run here (what to install); null when available. */
  unavailableReason: z.string().nullable(),
  running: z.boolean(),
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
  'sandbox.status': op('Local sandbox: binaries found, running, port, data folder, profile', Empty, SandboxStatus),
  'sandbox.start': op(
    'Start the local MariaDB sandbox (first time: initialise it, create its development profile, load sample data)',
    Empty,
    JobSnapshot,
    { risk: 'write' },
  ),
  'sandbox.stop': op('Stop the local sandbox server (its data is kept)', Empty, SandboxStatus, { risk: 'write' }),
} as const;
