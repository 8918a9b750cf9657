import os from 'node:os';
import type { ActorSettings } from '../../../shared/contract/safety';
import type { AppDatabase } from '../../platform/store/AppDatabase';

const SCHEMA = [`CREATE TABLE app_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at TEXT NOT NULL);`];

function osUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    // No passwd entry (some containers): the environment is all there is.
    return process.env.USER ?? process.env.USERNAME ?? 'unknown';
  }
}

/**
 * Who the audit log names. Every door runs in a process of the person at this machine (the browser door
 * listens on loopback only), so the OS account and host identify them the same way for all doors; an
 * optional display name from the settings makes the log readable. The account comes first — it is what
 * the machine vouches for; the name is only what the person chose ("jdoe@laptop (Jane Doe)").
 */
export class ActorIdentity {
  constructor(private readonly store: AppDatabase) {
    store.ensureSchema('settings', SCHEMA);
  }

  get(): ActorSettings {
    const row = this.store.db.prepare("SELECT value FROM app_settings WHERE key = 'displayName'").get() as
      | { value: string }
      | undefined;
    const displayName = row?.value ?? null;
    const user = osUser();
    const host = os.hostname();
    const account = `${user}@${host}`;
    return { displayName, osUser: user, host, actor: displayName ? `${account} (${displayName})` : account };
  }

  setDisplayName(name: string | null): ActorSettings {
    if (name === null) this.store.db.prepare("DELETE FROM app_settings WHERE key = 'displayName'").run();
    else
      this.store.db
        .prepare(
          "INSERT INTO app_settings (key, value, updated_at) VALUES ('displayName', ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .run(name, new Date().toISOString());
    return this.get();
  }
}
