/**
 * Public API of the backup format (docs/backup-format.md, "Module API"). The restore capability imports
 * from here only; everything else in this folder is an implementation detail.
 */

export {
  hashCheck,
  inspectBackupFile,
  inspectBackupFrom,
  looksLikeOurs,
  openMemberStream,
  PREAMBLE_MAGIC,
  readManifest,
  readManifestDetailed,
  readManifestFrom,
  readMemberWhole,
  type VerifyOptions,
  type VerifyProgress,
  type VerifyReport,
  verifyBackupFile,
  WHOLE_MEMBER_MAX_BYTES,
} from './BackupFileReader';
export { BackupFileWriter, type MemberMeta, PARTIAL_SUFFIX, renameNoReplace } from './BackupFileWriter';
export { type ByteSource, openLocalSource, withSource } from './byteSource';
export { type ForeignDumpSummary, isGzipHead, scanForeignDump, scanForeignFile, scanForeignFrom } from './foreignDump';
export { memberStatements } from './memberStatements';
