import { type Args, mailSourceKey, type OperationName } from '../../../shared/contract/index';
import type { Profile } from '../../../shared/contract/profiles';
import type { SubjectDeps } from './SafetyGateDeps';

/** What a guarded call acts on: who to name in the audit row, and what the `database` rule asks for. */
export interface Subject {
  profileId: string | null;
  target: string | null;
  /** What to type under the production rule (the target database, else the profile name). */
  database: string | null;
  /** The production rule applies: a production profile, or the main process escalated (see `reason`). */
  strict: boolean;
  reason: string;
  /** Audit this call although its operation is not destructive (a write the rule escalated). */
  audit: boolean;
  /** What the call would do, in words (may read the database); shown before confirming and in a refusal. */
  explain?: () => Promise<string>;
}

type Resolver<K extends OperationName> = (args: Args<K>, app: SubjectDeps) => Promise<Partial<Subject>> | Partial<Subject>;
type Resolvers = { [K in OperationName]?: Resolver<K> };

function profileOf(app: SubjectDeps, id: string | undefined): Profile | null {
  if (!id) return null;
  return app.profiles.get(id);
}

/** The default for operations with a `profileId`: the profile's database, strict on production. */
export function profileSubject(profile: Profile | null, database?: string): Subject {
  const db = database ?? profile?.mysql.database ?? null;
  return {
    profileId: profile?.id ?? null,
    target: db ?? profile?.name ?? null,
    database: db ?? profile?.name ?? null,
    strict: profile?.environment === 'production',
    reason: profile ? `${profile.name} is a production profile` : '',
    audit: false,
  };
}

const migrationFile =
  (op: 'markApplied' | 'acceptChecksum') =>
  (a: { profileId: string; filename: string; migrationsDir?: string }, app: SubjectDeps) => {
    const s = profileSubject(profileOf(app, a.profileId));
    return {
      target: `${s.database}: ${a.filename}`,
      explain: () => app.migrations.explain(a.profileId, a.migrationsDir, { op, filename: a.filename }),
    };
  };

/** Operations whose target is not simply the profile's database. */
const RESOLVERS: Resolvers = {
  'restore.start': (a, app) => {
    const s = profileSubject(profileOf(app, a.profileId), a.targetDatabase);
    // Parser-only confinement is a choice the audit must show (issue: restore confinement).
    const confinement = a.options?.confinement === 'parser-only' ? ' (parser-only confinement)' : '';
    // So is storing rejected generated columns as plain ones (docs/restore.md, "Across engines").
    const plain = a.options?.storeGeneratedAsPlain ? ' (generated columns the target rejects stored as plain)' : '';
    return { ...s, target: `${s.database} ← ${a.file}${confinement}${plain}` };
  },
  'restore.rollback': (a, app) => restoreRun(app, a.restoreId),
  'restore.discard': (a, app) => restoreRun(app, a.restoreId),
  'backups.delete': (a) => ({ target: `${a.location}:${a.name}` }),
  'backups.diff.putBack': (a, app) => {
    const d = app.backupDiffs.get(a.diffId);
    const s = profileSubject(profileOf(app, d.profileId), d.database);
    const which = a.keys ? `${a.keys.length} chosen row(s)` : `all ${a.kinds.join(' and ')} rows`;
    return { ...s, target: `${d.database}.${d.table} ← ${which} of ${d.file}` };
  },
  'backups.prune': (a) => ({
    target: `${a.rule.location}: keep ${[a.rule.keepLast && `last ${a.rule.keepLast}`, a.rule.keepDays && `${a.rule.keepDays} days`].filter(Boolean).join(' and ')}`,
  }),
  'migrations.baseline': (a, app) => {
    const s = profileSubject(profileOf(app, a.profileId));
    return {
      target: `${s.database}: up to ${a.upTo}`,
      explain: () => app.migrations.explain(a.profileId, a.migrationsDir, { op: 'baseline', upTo: a.upTo }),
    };
  },
  'migrations.repair.resume': (a, app) => {
    const s = profileSubject(profileOf(app, a.profileId));
    return {
      target: `${s.database}: ${a.filename}`,
      explain: () =>
        app.migrations.explain(a.profileId, a.migrationsDir, {
          op: 'resume',
          filename: a.filename,
          fromStatement: a.fromStatement,
        }),
    };
  },
  'migrations.repair.markApplied': migrationFile('markApplied'),
  'migrations.repair.acceptChecksum': migrationFile('acceptChecksum'),
  'migrations.repair.adopt': (a, app) => {
    const s = profileSubject(profileOf(app, a.profileId));
    return {
      target: `${s.database}: ${a.filenames?.join(', ') ?? 'all applied files without checksum'}`,
      explain: () => app.migrations.explain(a.profileId, a.migrationsDir, { op: 'adopt', filenames: a.filenames }),
    };
  },
  'migrations.migrate': async (a, app) => {
    const s = profileSubject(profileOf(app, a.profileId));
    const explain = () => app.migrations.explain(a.profileId, a.migrationsDir, { op: 'migrate' });
    if (s.strict) return { explain };
    // Files a restore rewound would run a second time: the production rule, whatever the environment.
    // Unreachable database: no escalation here; the migration itself will fail to connect.
    const rewound = await app.migrations.rewoundPending(a.profileId, a.migrationsDir).catch(() => []);
    if (rewound.length === 0) return { explain };
    return {
      explain,
      strict: true,
      reason: `${rewound.map((r) => r.filename).join(', ')} ran before and would run again (a restore rewound schema_version)`,
    };
  },
  'profiles.update': (a, app) => {
    const before = app.profiles.get(a.id);
    // Only leaving production is guarded: anything else on a profile is an ordinary edit.
    const leaving = before.environment === 'production' && a.profile.environment !== 'production';
    const s = profileSubject(before);
    return {
      ...s,
      strict: leaving,
      audit: leaving,
      reason: `${before.name} would stop being a production profile`,
      target: leaving ? `${before.name}: environment production → ${a.profile.environment}` : before.name,
    };
  },
  'profiles.remove': (a, app) => {
    const p = app.profiles.get(a.id);
    return { profileId: p.id, target: p.name, strict: false };
  },
  'connections.knownHosts.forget': (a) => ({ profileId: null, target: `${a.host}:${a.port}`, database: null, strict: false }),
  'mail.messages.delete': (a) => ({
    profileId: a.source.kind === 'profile' ? a.source.profileId : null,
    target: `${mailSourceKey(a.source)}: ${a.ids.length} message(s)`,
    database: null,
    strict: false,
  }),
};

function restoreRun(app: SubjectDeps, restoreId: string): Partial<Subject> {
  const run = app.restore.journal.get(restoreId);
  // The restore's own profile may be gone (a one-off CLI --url target): then no production rule applies.
  const profile = app.profiles.list().find((p) => p.id === run.profileId) ?? null;
  const s = profileSubject(profile, run.targetDatabase);
  return { ...s, profileId: run.profileId, target: run.targetDatabase };
}

/** The subject of a call: the operation's own resolver over the profile default. */
export async function subjectOf(app: SubjectDeps, name: OperationName, args: Record<string, unknown>): Promise<Subject> {
  const profileId = typeof args.profileId === 'string' ? args.profileId : undefined;
  const resolver = RESOLVERS[name] as Resolver<OperationName> | undefined;
  const partial = resolver ? await resolver(args as Args<OperationName>, app) : {};
  return { ...profileSubject(profileOf(app, profileId)), ...partial };
}
