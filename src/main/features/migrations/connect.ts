import type { Connection } from 'mysql2/promise';
import type { MigrationServiceDeps } from './MigrationServiceDeps';

/**
 * A dedicated mysql2 connection for a profile through `app.connections` (direct or over the profile's SSH
 * tunnel, TLS, errors mapped to stable codes). Dedicated, not pooled: GET_LOCK is session-scoped, and each
 * migration file gets a fresh session of its own.
 */
export function openDedicatedConnection(app: Pick<MigrationServiceDeps, 'connections'>, profileId: string): Promise<Connection> {
  return app.connections.openDedicated(profileId);
}
