import { z } from 'zod';
import { BackupManifest, Sha256Hex } from './backupManifest';
import { Empty, FilePath, Id, IsoDate } from './common';
import { op } from './define';
import { JobSnapshot } from './jobs';

/**
 * Backups: the catalog entries the UI and CLI list, and the operations. The manifest that ends every backup
 * file is in backupManifest.ts (re-exported here).
 */

export * from './backupManifest';

export const BackupLocation = z.enum(['local', 'remote', 'both']);
export type BackupLocation = z.infer<typeof BackupLocation>;
/** One of the profile's two backup folders. */
const BackupFolder = z.enum(['local', 'remote']);

export const VerifyLevel = z.enum(['structure', 'restore']);
export type VerifyLevel = z.infer<typeof VerifyLevel>;

export const BackupVerification = z.object({
  at: IsoDate,
  level: VerifyLevel,
  ok: z.boolean(),
  message: z.string(),
});
export type BackupVerification = z.infer<typeof BackupVerification>;

/** Whose key sealed a backup (docs/backups.md, "Sealed backups"); `summary` is the sentence to show. */
export const SealState = z.object({
  state: z.enum(['sealed', 'unknown-key', 'invalid', 'unsealed']),
  keyName: z.string().nullable(),
  fingerprint: z.string().nullable(),
  summary: z.string(),
});
export type SealState = z.infer<typeof SealState>;

/** A seal key: this installation's, or a colleague's trusted public key (public halves only). */
export const SealKeyInfo = z.object({
  fingerprint: z.string(),
  name: z.string(),
  /** base64url of the raw 32-byte Ed25519 public key. */
  publicKey: z.string(),
  addedAt: IsoDate.nullable(),
});
export type SealKeyInfo = z.infer<typeof SealKeyInfo>;

export const BackupEntry = z.object({
  name: z.string(),
  location: BackupLocation,
  localPath: z.string().nullable(),
  remotePath: z.string().nullable(),
  size: z.number().int().nonnegative(),
  /** From our manifest when there is one, else the file's modification time. */
  createdAt: IsoDate,
  /** `sysndd-admin`: our format with a manifest; `foreign`: a plain mysqldump / mariadb-dump file. */
  format: z.enum(['sysndd-admin', 'foreign']),
  compressed: z.boolean(),
  /** complete = end marker present (ours) or the dump's completion comment (foreign); unknown = not read yet. */
  status: z.enum(['complete', 'incomplete', 'corrupt', 'unknown']),
  tableCount: z.number().int().nonnegative().nullable(),
  rowCount: z.number().int().nonnegative().nullable(),
  schemaVersionHead: z.string().nullable(),
  database: z.string().nullable(),
  serverVersion: z.string().nullable(),
  /** The source server's family: the manifest's, else read from serverVersion; null when unknown. */
  serverEngine: z.enum(['mariadb', 'mysql']).nullable().optional(),
  verified: BackupVerification.nullable(),
  /** Seal of our backups (null: not read yet, foreign or encrypted without a key). */
  seal: SealState.nullable().optional(),
  /** An age-encrypted copy (`.age`): content unknown until decrypted with its identity or passphrase. */
  encrypted: z.boolean().optional(),
});
export type BackupEntry = z.infer<typeof BackupEntry>;

export const BackupList = z.object({
  profileId: Id,
  localDir: z.string(),
  remoteDir: z.string().nullable(),
  /** Why the remote folder could not be listed this time (entries then come from the offline cache). */
  remoteError: z.object({ code: z.string(), message: z.string() }).nullable(),
  remoteFromCache: z.boolean(),
  /** All entries of the listing, before `offset`/`limit` were applied. */
  total: z.number().int().nonnegative(),
  /** Position of `entries[0]` in the sorted listing. */
  offset: z.number().int().nonnegative(),
  /** One page of the sorted listing (all of it when no limit was asked for). */
  entries: z.array(BackupEntry),
});
export type BackupList = z.infer<typeof BackupList>;

/** Orders of `backups.list`: newest first (by createdAt, then name) unless asked otherwise. */
export const BackupListSort = z.enum(['newest', 'oldest', 'name', 'name-desc', 'largest', 'smallest']);
export type BackupListSort = z.infer<typeof BackupListSort>;

/**
 * `backups.list` arguments. Paging (issue 16): `offset` + `limit` return one page of the sorted listing and
 * `total`; without `limit` every entry is returned (the older call shape). A folder is scanned on every call
 * (stat of each file; manifests are read only for new or changed files), so a page costs little more than
 * the scan.
 */
export const BackupListArgs = z
  .object({
    profileId: Id,
    refreshRemote: z.boolean().default(true),
    sort: BackupListSort.default('newest'),
    offset: z.number().int().nonnegative().max(1_000_000).default(0),
    limit: z.number().int().min(1).max(10_000).optional(),
  })
  .strict();
export type BackupListArgs = z.infer<typeof BackupListArgs>;

/** A backup file name as given by a person or a remote listing: never a path. Checked again in the service. */
export const BackupFileName = z.string().min(1).max(255);
/** Checked by the service (not here) so a missing or wrong word is CONFIRMATION_REQUIRED, not a usage error. */
const Confirm = z.string().max(20).optional().describe('must be exactly "DELETE"');

/**
 * Encrypt a backup file in the age format (docs/backups.md, "Encrypted backups"): to age X25519 recipients
 * (`age1…`, public keys) or to a passphrase — age allows a passphrase only alone. The passphrase is kept
 * in memory for the job only; never stored, logged or put on a command line.
 */
export const BackupEncryption = z
  .object({
    recipients: z
      .array(z.string().regex(/^age1[02-9ac-hj-np-z]{20,}$/, 'an age X25519 recipient (age1…)'))
      .max(32)
      .default([]),
    passphrase: z.string().min(8).max(1024).optional(),
  })
  .strict()
  .refine((e) => e.recipients.length > 0 || e.passphrase !== undefined, 'Give recipients or a passphrase.')
  .refine(
    (e) => !(e.recipients.length > 0 && e.passphrase !== undefined),
    'age encrypts to recipients or to a passphrase, not both.',
  );
export type BackupEncryption = z.input<typeof BackupEncryption>;

/** What opens an encrypted backup: an age identity file (its path; read in the main process) or the passphrase. */
export const BackupDecryption = z
  .object({ identityFile: FilePath.optional(), passphrase: z.string().min(1).max(1024).optional() })
  .strict();
export type BackupDecryption = z.input<typeof BackupDecryption>;

export const CreateBackupOptions = z
  .object({
    /** Free text appended to the file name (letters, digits, dash, underscore). */
    label: z
      .string()
      .max(40)
      .regex(/^[A-Za-z0-9_-]*$/, 'letters, digits, - and _ only')
      .optional(),
    /** Write into this folder instead of the profile's local backup folder (CLI `--dir`). */
    dir: FilePath.optional(),
    compressionLevel: z.number().int().min(1).max(9).default(1),
    /** CHECKSUM TABLE for every table inside the snapshot (one more read of the data, lets verify compare content). */
    checksums: z.boolean().default(true),
    /** Worker connections dumping tables in parallel, all in one snapshot. */
    workers: z.number().int().min(1).max(8).default(1),
    /** Write an age-encrypted `.sql.gz.age` instead of a plain `.sql.gz`. */
    encrypt: BackupEncryption.optional(),
  })
  .strict();
export type CreateBackupOptions = z.input<typeof CreateBackupOptions>;

export const RetentionRule = z
  .object({
    keepLast: z.number().int().min(1).max(100_000).optional(),
    keepDays: z.number().int().min(1).max(36_500).optional(),
    location: BackupFolder.default('local'),
    /** Pre-restore and pre-migration backups are their own class, kept this many days (not by keepLast). */
    safetyKeepDays: z.number().int().min(1).max(36_500).default(7),
  })
  .strict()
  .refine((r) => r.keepLast !== undefined || r.keepDays !== undefined, 'Give keepLast, keepDays or both.');

/** `regular` backups follow keepLast/keepDays; `safety` ones (pre-restore, pre-migration) follow safetyKeepDays. */
export const RetentionClass = z.enum(['regular', 'safety']);
export type RetentionClass = z.infer<typeof RetentionClass>;

const PlannedFile = z.object({
  name: z.string(),
  createdAt: IsoDate,
  size: z.number(),
  class: RetentionClass.default('regular'),
  /** Why a kept file is kept (every rule that keeps it); empty for a file to delete. */
  reasons: z.array(z.string()).default([]),
});

export const PrunePlan = z.object({
  location: BackupFolder,
  keep: z.array(PlannedFile),
  remove: z.array(PlannedFile),
  bytesFreed: z.number().int().nonnegative(),
});
export type PrunePlan = z.infer<typeof PrunePlan>;

export const VerifyResult = z.object({
  path: z.string(),
  ok: z.boolean(),
  level: VerifyLevel,
  format: z.enum(['sysndd-admin', 'foreign']),
  members: z.number().int().nonnegative(),
  problems: z.array(z.object({ code: z.string(), message: z.string() })),
  seal: SealState.nullable().optional(),
  encrypted: z.boolean().optional(),
  scratch: z
    .object({
      schema: z.string(),
      tablesCompared: z.number().int().nonnegative(),
      mismatches: z.array(z.string()),
    })
    .nullable(),
});
export type VerifyResult = z.infer<typeof VerifyResult>;

export const CreateBackupResult = z.object({
  path: z.string(),
  name: z.string(),
  size: z.number().int().nonnegative(),
  tables: z.number().int().nonnegative(),
  rows: z.number().int().nonnegative(),
  durationMs: z.number().int().nonnegative(),
});
export type CreateBackupResult = z.infer<typeof CreateBackupResult>;

/** A backup is addressed by profile + name (inside the profile's folders) or, for the CLI, by a local path. */
const FileRefFields = z.object({ profileId: Id.optional(), name: BackupFileName.optional(), path: FilePath.optional() }).strict();
const FileRef = FileRefFields.refine(
  (r) => (r.path !== undefined) !== (r.profileId !== undefined && r.name !== undefined),
  'Give either path, or profileId and name.',
);

/**
 * A copy saved by the desktop "Save as…" (docs/backups.md, "Save a copy"), verified before it got its name:
 * `manifest` = every member of our format re-hashed against the manifest; `gzip` = a plain dump inflated to
 * its end; `sha256` = an encrypted (.age) or plain .sql file, whose copy is only compared byte for byte.
 */
export const SavedBackupCopy = z.object({
  path: z.string(),
  size: z.number().int().nonnegative(),
  sha256: Sha256Hex,
  check: z.enum(['manifest', 'gzip', 'sha256']),
  members: z.number().int().nonnegative(),
});
export type SavedBackupCopy = z.infer<typeof SavedBackupCopy>;

/** `backups.saveCopy`: the copy job, or `cancelled` when the person closed the save dialog (nothing written). */
export const SaveCopyStart = z.object({ cancelled: z.boolean(), job: JobSnapshot.nullable() });
export type SaveCopyStart = z.infer<typeof SaveCopyStart>;

/** `backups.showInFolder`: the file and its folder; `shown` when the door opened its file manager there. */
export const ShowInFolderResult = z.object({ path: z.string(), folder: z.string(), shown: z.boolean() });
export type ShowInFolderResult = z.infer<typeof ShowInFolderResult>;

/** A backup in one of the profile's folders, to be copied somewhere else (saved as, downloaded by the browser). */
const CopySource = z.object({ profileId: Id, name: BackupFileName, location: BackupFolder.default('local') }).strict();
/** Deleting backups: audited, and the word DELETE typed. */
const deleteRisk = { risk: 'destructive', confirm: { kind: 'word', word: 'DELETE' } } as const;

export const backupOperations = {
  'backups.list': op(
    "List the profile's backups: local folder and remote folder (over SFTP), cached for offline use",
    BackupListArgs,
    BackupList,
  ),
  'backups.create': op(
    'Start a backup job (consistent snapshot, verified format); the job result holds the file path',
    z
      .object({ profileId: Id, options: CreateBackupOptions.default({ compressionLevel: 1, checksums: true, workers: 1 }) })
      .strict(),
    JobSnapshot,
    { risk: 'write' },
  ),
  'backups.verify': op(
    'Start a verify job: member hashes and end marker; optionally a test restore into a scratch schema',
    FileRefFields.extend({
      scratchRestore: z.boolean().default(false),
      /** For an encrypted (.age) file: what opens it. */
      decrypt: BackupDecryption.optional(),
    })
      .refine(
        (r) => r.path !== undefined || (r.profileId !== undefined && r.name !== undefined),
        'Give path, or profileId and name.',
      )
      .refine(
        (r) => !r.scratchRestore || r.profileId !== undefined,
        'A scratch restore needs profileId (the server to restore into).',
      ),
    JobSnapshot,
    { risk: 'write' },
  ),
  'backups.download': op(
    "Start a job copying a backup from the profile's remote folder (SFTP) into its local folder, resuming a partial copy",
    z.object({ profileId: Id, name: BackupFileName, encrypt: BackupEncryption.optional() }).strict(),
    JobSnapshot,
    { risk: 'write' },
  ),
  'backups.delete': op(
    'Delete a backup file (local, remote or both); needs confirm: "DELETE"',
    z.object({ profileId: Id, name: BackupFileName, location: BackupLocation.default('local'), confirm: Confirm }).strict(),
    z.object({ deleted: z.array(z.string()) }),
    deleteRisk,
  ),
  'backups.prunePreview': op(
    'Which backups a retention rule would delete (nothing is deleted)',
    z.object({ profileId: Id, rule: RetentionRule }).strict(),
    PrunePlan,
  ),
  'backups.prune': op(
    'Apply a retention rule (keep last N and/or N days); needs confirm: "DELETE"',
    z.object({ profileId: Id, rule: RetentionRule, confirm: Confirm }).strict(),
    z.object({ plan: PrunePlan, deleted: z.array(z.string()) }),
    deleteRisk,
  ),
  'backups.keys': op(
    "This installation's seal key (fingerprint, public key) and the colleagues' keys trusted here",
    Empty,
    z.object({
      own: SealKeyInfo.extend({
        publicKeyPem: z.string(),
        source: z.enum(['key-file', 'secret-store']),
        persistent: z.boolean(),
        keyFile: z.string().nullable(),
      }),
      trusted: z.array(SealKeyInfo),
    }),
  ),
  'backups.keys.trust': op(
    "Trust a colleague's seal public key (PEM or base64url) under a name; fingerprint, when given, must match",
    z
      .object({ publicKey: z.string().min(1).max(4096), name: z.string().min(1).max(200), fingerprint: z.string().optional() })
      .strict(),
    SealKeyInfo,
    { risk: 'write' },
  ),
  'backups.keys.untrust': op(
    'Stop trusting a seal key (by fingerprint)',
    z.object({ fingerprint: z.string().min(1).max(200) }).strict(),
    z.object({ removed: z.boolean() }),
    { risk: 'write' },
  ),
  'backups.keys.useFile': op(
    'Seal with a team key file (PKCS#8 PEM Ed25519 private key; only its path is saved), or null for the own key',
    z.object({ path: FilePath.nullable() }).strict(),
    z.object({ keyFile: z.string().nullable(), fingerprint: z.string() }),
    { risk: 'write' },
  ),
  'backups.manifest': op(
    "A backup's manifest (ours) or its scanned summary (foreign dumps)",
    FileRef,
    z.object({ path: z.string(), entry: BackupEntry, manifest: BackupManifest.nullable() }),
  ),
  'backups.saveTicket': op(
    'Browser mode "Save as…": a single-use address (60 s) from which the loopback server streams the file as a download',
    CopySource,
    z.object({ url: z.string(), fileName: z.string(), size: z.number().int().nonnegative(), expiresAt: IsoDate }),
  ),
  'backups.saveCopy': op(
    'Desktop "Save as…": the door asks where (native dialog), then a job copies the backup there and verifies the copy; nothing when cancelled',
    CopySource,
    SaveCopyStart,
    { risk: 'write' },
  ),
  'backups.showInFolder': op(
    'The folder of a local backup, or of a copy saved this session: opened in the file manager (desktop) or returned to show',
    z
      .object({ profileId: Id.optional(), name: BackupFileName.optional(), savedPath: FilePath.optional() })
      .strict()
      .refine(
        (r) => (r.savedPath !== undefined) !== (r.profileId !== undefined && r.name !== undefined),
        'Give either savedPath, or profileId and name.',
      ),
    ShowInFolderResult,
  ),
} as const;
