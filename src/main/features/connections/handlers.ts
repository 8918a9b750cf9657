import path from 'node:path';
import { AppError } from '../../core/AppError';
import type { HandlerGroup } from '../../core/dispatch';
import type { AuditLog } from '../audit/AuditLog';
import type { MigrationService } from '../migrations/MigrationService';
import type { ProfileService } from '../profiles/ProfileService';
import { exportProfiles, importProfiles } from '../profiles/ProfileTransfer';
import type { ConnectionManager } from './ConnectionManager';
import { profileFromAlias, readSshConfig } from './sshConfigImport';

type ConnectionOps =
  | 'connections.test'
  | 'connections.trustHostKey'
  | 'connections.knownHosts.list'
  | 'connections.knownHosts.forget'
  | 'connections.state'
  | 'connections.poolStats'
  | 'connections.close'
  | 'connections.importSshConfig'
  | 'profiles.export'
  | 'profiles.import';

/** Connections, their profiles (import/export), the migrations head a test reports, the audit of a trusted key. */
export interface ConnectionHandlerDeps {
  readonly connections: ConnectionManager;
  readonly profiles: ProfileService;
  readonly migrations: Pick<MigrationService, 'status'>;
  readonly audit: AuditLog;
}

export function connectionHandlers(app: ConnectionHandlerDeps): HandlerGroup<ConnectionOps> {
  const c = app.connections;
  return {
    'connections.test': async ({ profileId, acceptHostKey }) =>
      c.test(profileId, acceptHostKey, async (profile) => {
        const s = await app.migrations.status(profile.id);
        return {
          schemaVersionPresent: s.historyTable,
          applied: s.applied.length,
          files: s.files.length,
          pending: s.pending.length,
          folder: s.migrationsDir,
        };
      }),
    'connections.trustHostKey': async ({ host, port, keyType, fingerprint }, ctx) => {
      const pinned = c.hostKeys.pinned(host, port, keyType);
      if (pinned && pinned !== fingerprint) {
        throw new AppError(
          'CONFLICT',
          `A different ${keyType} key (${pinned}) is pinned for ${host}:${port}. Forget it first if the server's key really changed.`,
        );
      }
      const entry = c.hostKeys.trust(host, port, keyType, fingerprint);
      app.audit.record({
        actor: ctx.actor,
        action: 'hostkey.trust',
        profileId: null,
        target: `${host}:${port}`,
        result: 'succeeded',
        details: { keyType, fingerprint },
      });
      return entry;
    },
    'connections.knownHosts.list': async () => ({ entries: c.hostKeys.list(), opensshFiles: c.hostKeys.opensshSummary() }),
    // Audited by dispatch (destructive) as connections.knownHosts.forget.
    'connections.knownHosts.forget': async ({ host, port }) => ({ removed: c.hostKeys.forget(host, port) }),
    'connections.state': async ({ profileId }) => c.state(profileId),
    'connections.poolStats': async ({ profileId }) => {
      app.profiles.get(profileId);
      return c.poolStats(profileId);
    },
    'connections.close': async ({ profileId }) => {
      app.profiles.get(profileId);
      await c.closeProfile(profileId);
      return null;
    },
    'connections.importSshConfig': async (args) => {
      const file = args.path ?? path.join(c.sshDir, 'config');
      const names = new Set(app.profiles.list().map((p) => p.name.toLowerCase()));
      const { hosts } = readSshConfig(file, names);
      if (!args.apply) return { path: file, hosts, created: [] };
      if (!args.mysql)
        throw new AppError(
          'INVALID_ARGUMENT',
          'Importing needs the MySQL settings (at least the MySQL user) for the new profiles.',
        );
      const wanted = args.aliases ? new Set(args.aliases) : null;
      if (wanted) {
        const unknown = [...wanted].filter((a) => !hosts.some((h) => h.alias === a));
        if (unknown.length) throw new AppError('NOT_FOUND', `Not in ${file}: ${unknown.join(', ')}`);
      }
      const created = [];
      for (const h of hosts) {
        if (wanted && !wanted.has(h.alias)) continue;
        if (h.status !== 'new') {
          h.status = 'skipped';
          continue;
        }
        created.push(await app.profiles.create(profileFromAlias(h, args.mysql, args.environment)));
        h.status = 'created';
      }
      return { path: file, hosts, created };
    },
    'profiles.export': async ({ ids }) => exportProfiles(app.profiles, ids),
    'profiles.import': async ({ document, onConflict }) => importProfiles(app.profiles, document, onConflict),
  };
}
