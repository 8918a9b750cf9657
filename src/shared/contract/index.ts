import type { z } from 'zod';
import type { Result } from '../errors';
import { auditOperations } from './audit';
import { backupDiffOperations } from './backupDiff';
import { backupOperations } from './backups';
import { connectionOperations } from './connections';
import type { OperationDef } from './define';
import { healthOperations } from './health';
import { jobOperations } from './jobs';
import { mailOperations } from './mail';
import { migrationOperations } from './migrations';
import { profileOperations } from './profiles';
import { restoreOperations } from './restore';
import { safetyOperations } from './safety';
import { sandboxOperations } from './sandbox';
import { systemOperations } from './system';

/**
 * The whole contract: operation name → argument and result schemas. Capabilities add their own
 * `<capability>Operations` map in a sibling file and spread it here; nothing else needs to change for a
 * new operation to reach every door (IPC, HTTP, CLI) with validation.
 */
export const operations = {
  ...systemOperations,
  ...jobOperations,
  ...profileOperations,
  ...sandboxOperations,
  ...connectionOperations,
  ...auditOperations,
  ...mailOperations,
  ...migrationOperations,
  ...restoreOperations,
  ...backupOperations,
  ...backupDiffOperations,
  ...healthOperations,
  ...safetyOperations,
} as const satisfies Record<string, OperationDef>;

export type Operations = typeof operations;
export type OperationName = keyof Operations;
export type ArgsIn<K extends OperationName> = z.input<Operations[K]['args']>;
export type Args<K extends OperationName> = z.output<Operations[K]['args']>;
export type ResultOf<K extends OperationName> = z.output<Operations[K]['result']>;

/** What `window.api` and every client offer: one typed `call`, and a data-only event subscription. */
export interface Api {
  call<K extends OperationName>(name: K, args: ArgsIn<K>): Promise<Result<ResultOf<K>>>;
  subscribe(listener: (event: import('./events').AppEvent) => void): () => void;
}

export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(operations, name);
}

export * from './audit';
export * from './backupDiff';
export * from './backups';
export * from './common';
export * from './connections';
export type { Confirmation, OperationDef, Risk } from './define';
export * from './events';
export * from './health';
export * from './jobs';
export * from './mail';
export * from './mailpit';
export * from './migrations';
export * from './profiles';
export * from './restore';
export * from './safety';
export * from './sandbox';
export * from './system';
