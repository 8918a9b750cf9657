import { PREAMBLE_MAGIC } from '../format/BackupFileReader';

export interface PreambleInfo {
  host: string;
  database: string;
  serverVersion: string;
  createdAt: string;
  toolVersion: string;
  profileName: string;
}

/** Keeps user-supplied text (names, versions) inside its comment line. */
function commentSafe(s: string): string {
  return s.replace(/[\r\n]/g, ' ');
}

/**
 * Member 0: a header a person can read with `zcat | head`, and the session settings a restore needs. The
 * session's previous values are saved in user variables and put back by the epilogue, like mysqldump.
 */
export function preambleText(i: PreambleInfo): string {
  return `${PREAMBLE_MAGIC}
-- Source: ${commentSafe(i.host)}, database ${commentSafe(i.database)}, server ${commentSafe(i.serverVersion)}
-- Profile: ${commentSafe(i.profileName)}
-- Created: ${i.createdAt} by sysndd-admin ${commentSafe(i.toolVersion)}
-- Restore with plain tools: gunzip < FILE | mariadb TARGET_DATABASE
-- The last lines (SYSNDD-ADMIN-MANIFEST / SYSNDD-ADMIN-END) describe this file; without them it is incomplete.

SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT;
SET @OLD_CHARACTER_SET_RESULTS=@@CHARACTER_SET_RESULTS;
SET @OLD_COLLATION_CONNECTION=@@COLLATION_CONNECTION;
SET NAMES utf8mb4;
SET @OLD_TIME_ZONE=@@TIME_ZONE;
SET TIME_ZONE='+00:00';
SET @OLD_UNIQUE_CHECKS=@@UNIQUE_CHECKS, UNIQUE_CHECKS=0;
SET @OLD_FOREIGN_KEY_CHECKS=@@FOREIGN_KEY_CHECKS, FOREIGN_KEY_CHECKS=0;
SET @OLD_SQL_MODE=@@SQL_MODE, SQL_MODE='NO_AUTO_VALUE_ON_ZERO';
SET @OLD_SQL_NOTES=@@SQL_NOTES, SQL_NOTES=0;

`;
}

export function epilogueText(): string {
  return `
SET SQL_MODE=@OLD_SQL_MODE;
SET FOREIGN_KEY_CHECKS=@OLD_FOREIGN_KEY_CHECKS;
SET UNIQUE_CHECKS=@OLD_UNIQUE_CHECKS;
SET TIME_ZONE=@OLD_TIME_ZONE;
SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT;
SET CHARACTER_SET_RESULTS=@OLD_CHARACTER_SET_RESULTS;
SET COLLATION_CONNECTION=@OLD_COLLATION_CONNECTION;
SET SQL_NOTES=@OLD_SQL_NOTES;
-- End of data; the manifest follows.
`;
}

/** Session settings of every dump connection (not written to the file). */
export const DUMP_SESSION_SQL = [
  // DDL text and identifier quoting must not depend on the account's defaults (ANSI_QUOTES would turn `x` into "x").
  "SET SESSION sql_mode = ''",
  'SET SESSION sql_quote_show_create = 1',
  'SET NAMES utf8mb4',
  // TIMESTAMP values are read and written in UTC, so they restore to the same instants anywhere.
  "SET SESSION time_zone = '+00:00'",
  // A paused stream (backpressure, slow disk) must not be dropped by the server.
  'SET SESSION net_write_timeout = 3600',
  'SET SESSION net_read_timeout = 3600',
  'SET SESSION wait_timeout = 28800',
  'SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ',
];
