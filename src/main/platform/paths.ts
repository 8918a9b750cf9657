import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The user's app-data folder: SYSNDD_ADMIN_HOME, else the platform's convention. */
export function defaultHome(): string {
  if (process.env.SYSNDD_ADMIN_HOME) return path.resolve(process.env.SYSNDD_ADMIN_HOME);
  const home = os.homedir();
  if (process.platform === 'win32')
    return path.join(process.env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'sysndd-admin');
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'sysndd-admin');
  return path.join(process.env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'sysndd-admin');
}

/**
 * The project root (where `migrations/` and `out/renderer` live), found by walking up from this file so it
 * works from `src/` under tsx/vitest and from the bundles in `out/`. Packaged Electron passes resourcesPath.
 */
export function projectRoot(): string {
  if (process.env.SYSNDD_ADMIN_RESOURCES) return path.resolve(process.env.SYSNDD_ADMIN_RESOURCES);
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

export function bundledMigrationsDir(): string {
  return path.join(projectRoot(), 'migrations');
}

export function rendererDir(): string {
  return path.join(projectRoot(), 'out', 'renderer');
}
