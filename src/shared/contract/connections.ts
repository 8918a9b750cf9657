import { z } from 'zod';
import { ErrorCodeSchema } from '../errors';
import { Empty, HostName, Id, IsoDate, Port, ProfileRef, ReportedProfile } from './common';
import { op } from './define';
import { ConnectionState } from './events';
import { Environment, MysqlSettings, Profile, ProfileInput, SecretName } from './profiles';

/** `SHA256:` + unpadded base64 of the SHA-256 of the host key blob: the form `ssh-keygen -lf` prints. */
export const HostKeyFingerprint = z.string().regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'expected SHA256:<43 base64 characters>');

/** A host key the app trusts. Pinned per host and port, one key per key type, like OpenSSH. */
export const KnownHost = z.object({
  host: z.string(),
  port: z.number().int(),
  keyType: z.string(),
  fingerprint: HostKeyFingerprint,
  addedAt: IsoDate,
  lastSeenAt: IsoDate.nullable(),
});
export type KnownHost = z.infer<typeof KnownHost>;

/** What the server presented and how it compares with what we know; carried in HOST_KEY_* failure details. */
export const HostKeyCheck = z.object({
  host: z.string(),
  port: z.number().int(),
  keyType: z.string(),
  fingerprint: HostKeyFingerprint,
  status: z.enum(['trusted', 'unknown', 'changed', 'revoked']),
  /** Where the trusting entry came from: the app's own table or the user's OpenSSH known_hosts. */
  source: z.enum(['app', 'openssh']).nullable(),
  /** The fingerprint we expected when the key changed. */
  knownFingerprint: HostKeyFingerprint.nullable(),
});
export type HostKeyCheck = z.infer<typeof HostKeyCheck>;

export const PoolStats = z.object({
  profileId: Id,
  max: z.number().int(),
  total: z.number().int(),
  active: z.number().int(),
  idle: z.number().int(),
  queued: z.number().int(),
  /** Dedicated connections (migration locks, dump workers) that the pool does not manage. */
  dedicated: z.number().int(),
});
export type PoolStats = z.infer<typeof PoolStats>;

export const ConnectionStatus = z.object({
  profileId: Id,
  state: ConnectionState,
  detail: z.string().nullable(),
  since: IsoDate,
  via: z.enum(['direct', 'ssh', 'ssh+jump']),
  reconnects: z.number().int(),
  lastError: z.object({ code: ErrorCodeSchema, message: z.string() }).nullable(),
});
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;

export const StageId = z.enum([
  'jump.tcp',
  'jump.handshake',
  'jump.auth',
  'jump.forward',
  'ssh.tcp',
  'ssh.handshake',
  'ssh.auth',
  'ssh.forward',
  'mysql.tcp',
  'mysql.handshake',
  'mysql.auth',
  'mysql.select1',
  'mysql.version',
  'mysql.grants',
  'mysql.database',
  'mysql.migrations',
]);
export type StageId = z.infer<typeof StageId>;

export const TestStage = z.object({
  id: StageId,
  label: z.string(),
  status: z.enum(['ok', 'failed', 'skipped']),
  latencyMs: z.number().nullable(),
  /** What was found ("MariaDB 10.11.6", "ED25519 SHA256:… pinned") or why it was skipped. */
  detail: z.string().nullable(),
  code: ErrorCodeSchema.nullable(),
  /** On failure: what a person can do about it. */
  cause: z.string().nullable(),
});
export type TestStage = z.infer<typeof TestStage>;

export const ConnectionTestReport = z.object({
  ...ReportedProfile,
  ok: z.boolean(),
  startedAt: IsoDate,
  totalMs: z.number(),
  stages: z.array(TestStage),
  /** The first failure, for scripts (and the CLI exit code). */
  failure: z.object({ stage: StageId, code: ErrorCodeSchema, message: z.string() }).nullable(),
  /** One entry per SSH hop (jump host first). */
  hostKeys: z.array(HostKeyCheck),
  server: z
    .object({
      version: z.string(),
      tlsOffered: z.boolean(),
      tlsCipher: z.string().nullable(),
      connectionId: z.number().nullable(),
    })
    .nullable(),
  grants: z.array(z.string()),
  database: z.object({ name: z.string(), exists: z.boolean() }).nullable(),
  migrations: z
    .object({
      schemaVersionPresent: z.boolean(),
      applied: z.number().int(),
      files: z.number().int(),
      pending: z.number().int(),
      folder: z.string(),
    })
    .nullable(),
});
export type ConnectionTestReport = z.infer<typeof ConnectionTestReport>;

export const SshConfigHost = z.object({
  alias: z.string(),
  hostName: z.string(),
  user: z.string().nullable(),
  port: z.number().int(),
  identityFile: z.string().nullable(),
  /** The jump host as OpenSSH would reach it: its alias's HostName, User, Port and IdentityFile apply. */
  proxyJump: z
    .object({ host: z.string(), user: z.string().nullable(), port: z.number().int(), identityFile: z.string().nullable() })
    .nullable(),
  /** `new`: can be imported; `exists`: a profile of that name exists; `created`/`skipped` after an import. */
  status: z.enum(['new', 'exists', 'created', 'skipped']),
  note: z.string().nullable(),
});
export type SshConfigHost = z.infer<typeof SshConfigHost>;

export const ProfileExportDocument = z
  .object({
    format: z.literal('sysndd-admin.profiles'),
    version: z.literal(1),
    exportedAt: IsoDate,
    profiles: z.array(
      ProfileInput.extend({
        /** Names of the secrets the original had, so the importer knows what to ask for. Never values. */
        secretsNeeded: z.array(SecretName).default([]),
      }).strict(),
    ),
  })
  .strict();
export type ProfileExportDocument = z.infer<typeof ProfileExportDocument>;

export const connectionOperations = {
  'connections.test': op(
    'Staged connection test: SSH TCP, handshake + host key, auth, forward, MySQL handshake/TLS, auth, SELECT 1, checks',
    z
      .object({
        profileId: Id,
        /** Trust the first-contact host key only when the server presents exactly this fingerprint. */
        acceptHostKey: HostKeyFingerprint.optional(),
      })
      .strict(),
    ConnectionTestReport,
  ),
  'connections.trustHostKey': op(
    'Pin an SSH host key (after a person compared the fingerprint)',
    z
      .object({
        host: HostName,
        port: Port,
        keyType: z.string().min(1).max(100),
        fingerprint: HostKeyFingerprint,
      })
      .strict(),
    KnownHost,
    { risk: 'write' },
  ),
  'connections.knownHosts.list': op(
    'Host keys the app trusts, and the OpenSSH known_hosts files it also reads',
    Empty,
    z.object({ entries: z.array(KnownHost), opensshFiles: z.array(z.object({ path: z.string(), entries: z.number().int() })) }),
  ),
  'connections.knownHosts.forget': op(
    "Forget the app's pinned keys for a host and port (OpenSSH's own file is never edited)",
    z.object({ host: HostName, port: Port }).strict(),
    z.object({ removed: z.number().int() }),
    { risk: 'destructive' },
  ),
  'connections.state': op('Tunnel / connection state of a profile', ProfileRef, ConnectionStatus),
  'connections.poolStats': op('MySQL pool figures of a profile: total, active, idle, queued', ProfileRef, PoolStats),
  'connections.close': op('Close the pool, dedicated connections and SSH tunnel of a profile', ProfileRef, z.null(), {
    risk: 'write',
  }),
  'connections.importSshConfig': op(
    'Preview (apply=false) or import (apply=true) host aliases from ~/.ssh/config as profiles',
    z
      .object({
        path: z.string().max(4096).optional(),
        apply: z.boolean().default(false),
        /** Aliases to import; all importable ones when omitted. */
        aliases: z.array(z.string().min(1).max(255)).max(500).optional(),
        environment: Environment.default('development'),
        /** The MySQL side of every imported profile (TLS off, as a new profile starts). */
        mysql: MysqlSettings.pick({ host: true, port: true, user: true, database: true }).optional(),
      })
      .strict(),
    z.object({ path: z.string(), hosts: z.array(SshConfigHost), created: z.array(Profile) }),
    { risk: 'write' },
  ),
  'profiles.export': op(
    'Export profiles as JSON without any secret',
    z.object({ ids: z.array(Id).max(1000).optional() }).strict(),
    ProfileExportDocument,
  ),
  'profiles.import': op(
    'Import profiles from an export document (no secrets); validates everything before creating anything',
    z.object({ document: z.unknown(), onConflict: z.enum(['skip', 'rename', 'fail']).default('fail') }).strict(),
    z.object({
      created: z.array(Profile),
      skipped: z.array(z.object({ name: z.string(), reason: z.string() })),
    }),
    { risk: 'write' },
  ),
} as const;
