import fs from 'node:fs';
import path from 'node:path';

/**
 * The sandbox's generated password, kept with the sandbox (`<sandbox>/credentials.json`, mode 0600 in a
 * 0700 folder) instead of the user's secret store: it is not the user's secret, and a machine without an OS
 * keyring (servers, containers, WSL, CI) would otherwise lose it with the process that started the sandbox.
 * Anyone who can read this file can read the datadir next to it, so it adds no exposure.
 */
export interface SandboxCredentials {
  user: string;
  password: string;
}

const FILE = 'credentials.json';

export function credentialsPath(dir: string): string {
  return path.join(dir, FILE);
}

/** The kept credentials, or null when there are none (a new sandbox, or one made by an older version). */
export function readCredentials(dir: string): SandboxCredentials | null {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(credentialsPath(dir), 'utf8'));
  } catch {
    return null;
  }
  const r = raw as Partial<SandboxCredentials> | null;
  if (!r || typeof r.user !== 'string' || typeof r.password !== 'string' || r.password === '') return null;
  return { user: r.user, password: r.password };
}

/** Written beside and renamed, so a crash never leaves half a file; 0600 whatever the umask. */
export function writeCredentials(dir: string, credentials: SandboxCredentials): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = credentialsPath(dir);
  const staging = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(staging, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(staging, 0o600);
  fs.renameSync(staging, file);
}
