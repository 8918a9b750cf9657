import { randomUUID } from 'node:crypto';
import {
  Profile,
  ProfileInput,
  type ProfileInput as ProfileInputIn,
  profileNameKey,
  profileNameProblem,
  SecretName,
  type SecretName as SecretNameT,
} from '../../../shared/contract/profiles';
import { AppError } from '../../core/AppError';
import type { EventBus } from '../../core/EventBus';
import { type SecretStore, secretKey } from '../../platform/secrets/SecretStore';
import type { AppDatabase } from '../../platform/store/AppDatabase';

const SCHEMA = [
  `CREATE TABLE profiles (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE COLLATE NOCASE, body TEXT NOT NULL,
     secrets TEXT NOT NULL DEFAULT '[]', created_at TEXT NOT NULL, updated_at TEXT NOT NULL);`,
];

/**
 * Saved and transient connection profiles. The profile body is plain settings; every secret goes to the
 * SecretStore and only its *name* is kept here so the UI can show "password saved".
 */
export class ProfileService {
  private readonly transient = new Map<string, Profile>();

  constructor(
    private readonly store: AppDatabase,
    private readonly secrets: SecretStore,
    private readonly events: EventBus,
  ) {
    store.ensureSchema('profiles', SCHEMA);
  }

  list(): Profile[] {
    const rows = this.store.db.prepare('SELECT * FROM profiles ORDER BY name').all() as ProfileRow[];
    return [...rows.map(fromRow), ...this.transient.values()];
  }

  get(id: string): Profile {
    const t = this.transient.get(id);
    if (t) return t;
    const row = this.store.db.prepare('SELECT * FROM profiles WHERE id = ?').get(id) as ProfileRow | undefined;
    if (!row) throw new AppError('NOT_FOUND', `No profile with id "${id}".`);
    return fromRow(row);
  }

  findByName(name: string): Profile | null {
    for (const t of this.transient.values()) if (t.name === name) return t;
    const row = this.store.db.prepare('SELECT * FROM profiles WHERE name = ?').get(name) as ProfileRow | undefined;
    return row ? fromRow(row) : null;
  }

  /** Accepts an id or a name (CLI `--profile NAME`). */
  resolve(idOrName: string): Profile {
    const byName = this.findByName(idOrName);
    if (byName) return byName;
    return this.get(idOrName);
  }

  /**
   * Refuses a name that is not one line (PROFILE_NAME_INVALID) or that another saved profile has without
   * regard to case (PROFILE_NAME_TAKEN). `ownId` is the profile being renamed, which may keep its name.
   */
  private checkName(name: string, ownId: string | null): void {
    const problem = profileNameProblem(name);
    if (problem) throw new AppError('PROFILE_NAME_INVALID', `${problem}: ${JSON.stringify(name.slice(0, 100))}.`);
    const key = profileNameKey(name);
    const rows = this.store.db.prepare('SELECT id, name FROM profiles').all() as Array<{ id: string; name: string }>;
    const clash = rows.find((r) => r.id !== ownId && profileNameKey(r.name) === key);
    if (clash) throw new AppError('PROFILE_NAME_TAKEN', `A profile named "${clash.name}" already exists.`);
  }

  /**
   * `copySecretsFrom`: duplicating, so the stored secrets of that profile are copied (a copy that silently
   * lost its password would fail its first test with "using password: NO"); values in `secrets` win.
   */
  async create(
    input: ProfileInputIn,
    secrets: Partial<Record<SecretNameT, string>> = {},
    copySecretsFrom?: string,
  ): Promise<Profile> {
    const body = ProfileInput.parse(input);
    this.checkName(body.name, null);
    const copied = copySecretsFrom ? await this.storedSecrets(copySecretsFrom) : {};
    const id = randomUUID();
    const now = new Date().toISOString();
    const names = await this.writeSecrets(id, [], { ...copied, ...secrets });
    this.store.db
      .prepare('INSERT INTO profiles (id, name, body, secrets, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(id, body.name, JSON.stringify(body), JSON.stringify(names), now, now);
    this.events.emit({ type: 'profiles.changed' });
    return this.get(id);
  }

  /** A profile that lives only in this process (CLI `--url`); its secrets stay in memory. */
  async createTransient(input: ProfileInputIn, secrets: Partial<Record<SecretNameT, string>> = {}): Promise<Profile> {
    const body = ProfileInput.parse(input);
    const problem = profileNameProblem(body.name);
    if (problem) throw new AppError('PROFILE_NAME_INVALID', problem);
    const id = `transient-${randomUUID()}`;
    const now = new Date().toISOString();
    for (const [name, value] of Object.entries(secrets)) if (value) this.transientSecrets.set(secretKey(id, name), value);
    const profile = Profile.parse({
      ...body,
      id,
      transient: true,
      secrets: Object.keys(secrets),
      createdAt: now,
      updatedAt: now,
    });
    this.transient.set(id, profile);
    return profile;
  }
  private readonly transientSecrets = new Map<string, string>();

  async update(id: string, input: ProfileInputIn, secrets: Partial<Record<SecretNameT, string | null>> = {}): Promise<Profile> {
    const existing = this.get(id);
    if (existing.transient) throw new AppError('PRECONDITION_FAILED', 'Transient profiles cannot be edited.');
    const body = ProfileInput.parse(input);
    this.checkName(body.name, id);
    const names = await this.writeSecrets(id, existing.secrets, secrets);
    this.store.db
      .prepare('UPDATE profiles SET name = ?, body = ?, secrets = ?, updated_at = ? WHERE id = ?')
      .run(body.name, JSON.stringify(body), JSON.stringify(names), new Date().toISOString(), id);
    this.events.emit({ type: 'profiles.changed' });
    return this.get(id);
  }

  /** A copy under a new name: same settings and environment (a production copy stays production), same secrets. */
  async duplicate(id: string, name: string): Promise<Profile> {
    const { id: _id, transient: _t, secrets: _s, createdAt: _c, updatedAt: _u, ...body } = this.get(id);
    return this.create({ ...body, name }, {}, id);
  }

  /** The values of a profile's stored secrets that can be read now (for a copy); unreadable ones are left out. */
  private async storedSecrets(id: string): Promise<Partial<Record<SecretNameT, string>>> {
    const source = this.get(id);
    const out: Partial<Record<SecretNameT, string>> = {};
    for (const name of source.secrets) {
      const value = await this.secret(id, name);
      if (value) out[name] = value;
    }
    return out;
  }

  async remove(id: string): Promise<void> {
    if (this.transient.delete(id)) return;
    const existing = this.get(id);
    for (const name of existing.secrets) await this.secrets.delete(secretKey(id, name));
    this.store.db.prepare('DELETE FROM profiles WHERE id = ?').run(id);
    this.events.emit({ type: 'profiles.changed' });
  }

  /** A secret for use by a service in the main process; never sent to a door. */
  async secret(profileId: string, name: SecretNameT): Promise<string | null> {
    const key = secretKey(profileId, name);
    const transient = this.transientSecrets.get(key);
    if (transient) return transient;
    for (const owner of this.secretOwners) {
      const owned = owner(profileId, name);
      if (owned !== null) return owned;
    }
    return this.secrets.get(key);
  }

  /**
   * Secrets that their owner keeps outside the store, found before it: the local sandbox keeps its
   * generated password in its own 0600 file, so every door and process reaches it without an OS keyring.
   */
  addSecretOwner(lookup: (profileId: string, name: SecretNameT) => string | null): void {
    this.secretOwners.push(lookup);
  }
  private readonly secretOwners: Array<(profileId: string, name: SecretNameT) => string | null> = [];

  private async writeSecrets(
    id: string,
    current: SecretNameT[],
    changes: Partial<Record<SecretNameT, string | null>>,
  ): Promise<SecretNameT[]> {
    const names = new Set(current);
    for (const [rawName, value] of Object.entries(changes)) {
      const name = SecretName.parse(rawName);
      if (value === undefined) continue;
      if (value === null || value === '') {
        await this.secrets.delete(secretKey(id, name));
        names.delete(name);
      } else {
        await this.secrets.set(secretKey(id, name), value);
        names.add(name);
      }
    }
    return [...names].sort();
  }
}

interface ProfileRow {
  id: string;
  name: string;
  body: string;
  secrets: string;
  created_at: string;
  updated_at: string;
}

function fromRow(r: ProfileRow): Profile {
  return Profile.parse({
    ...JSON.parse(r.body),
    id: r.id,
    transient: false,
    secrets: JSON.parse(r.secrets),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });
}
