import type { Command } from 'commander';
import type { CliContext } from '../CliContext';
import { registerAuditCommands } from './audit';
import { registerBackupDiffCommand } from './backupDiff';
import { registerBackupCommands } from './backups';
import { registerConnectCommands } from './connect';
import { registerJobCommands } from './jobs';
import { registerMailCommands } from './mail';
import { registerMigrationCommands } from './migrations';
import { registerPreflightCommands } from './preflight';
import { registerProfileCommands } from './profiles';
import { registerRestoreCommands } from './restore';
import { registerSandboxCommands } from './sandbox';
import { registerServeCommands } from './serve';
import { registerSettingsCommands } from './settings';

/** One line per capability: its command group. */
export function registerCommandGroups(program: Command, cli: CliContext): void {
  registerJobCommands(program, cli);
  registerProfileCommands(program, cli);
  registerConnectCommands(program, cli);
  registerMailCommands(program, cli);
  registerMigrationCommands(program, cli);
  registerServeCommands(program, cli);
  registerAuditCommands(program, cli);
  registerSandboxCommands(program, cli);
  registerBackupCommands(program, cli);
  registerBackupDiffCommand(program, cli);
  registerRestoreCommands(program, cli);
  registerPreflightCommands(program, cli);
  registerSettingsCommands(program, cli);
}
