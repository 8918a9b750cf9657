import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Repository-wide rules behind docs/security.md that no single module's test can see: the lockfile pins
 * every package (and node_modules is what it says), and only one helper may hand URLs to the OS.
 */
const root = path.resolve(import.meta.dirname, '..', '..');

interface LockEntry {
  version?: string;
  integrity?: string;
  link?: boolean;
  dev?: boolean;
}
interface Lockfile {
  lockfileVersion: number;
  packages: Record<string, LockEntry & { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }>;
}
interface PackageJson {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

const readJson = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(root, file), 'utf8')) as T;

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true }).flatMap((e) => {
    if (!e.isFile() || !/\.(ts|tsx|mjs|cjs|js)$/.test(e.name)) return [];
    return [path.relative(root, path.join(e.parentPath, e.name))];
  });
}

describe('lockfile pinned', () => {
  const lock = readJson<Lockfile>('package-lock.json');
  const pkg = readJson<PackageJson>('package.json');

  it('is a v3 lockfile in sync with package.json', () => {
    expect(lock.lockfileVersion).toBe(3);
    const rootEntry = lock.packages[''];
    expect(rootEntry?.dependencies).toEqual(pkg.dependencies);
    expect(rootEntry?.devDependencies).toEqual(pkg.devDependencies);
  });

  it('pins every package to one version with an sha512 integrity hash', () => {
    const entries = Object.entries(lock.packages).filter(([key, e]) => key !== '' && !e.link);
    expect(entries.length).toBeGreaterThan(100);
    const unpinned = entries.filter(([, e]) => !e.version || !/^sha512-/.test(e.integrity ?? '')).map(([key]) => key);
    expect(unpinned).toEqual([]);
  });

  it('node_modules holds exactly the locked version of every direct dependency', () => {
    const drift: string[] = [];
    for (const name of [...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]) {
      const locked = lock.packages[`node_modules/${name}`]?.version;
      const installed = readJson<{ version: string }>(`node_modules/${name}/package.json`).version;
      if (locked !== installed) drift.push(`${name}: locked ${locked}, installed ${installed}`);
    }
    expect(drift).toEqual([]);
  });
});

describe('one way out to external links', () => {
  it('only src/main/electron/security.ts calls shell.openExternal (through openExternalSafely, http/https only)', () => {
    const callers = sourceFiles('src').filter((f) => /\bopenExternal\s*\(/.test(fs.readFileSync(path.join(root, f), 'utf8')));
    expect(callers).toEqual(['src/main/electron/security.ts']);
    const helper = fs.readFileSync(path.join(root, 'src/main/electron/security.ts'), 'utf8');
    expect(helper.match(/shell\.openExternal\(/g)).toHaveLength(1);
  });

  it('the renderer never opens windows itself (new windows are denied and routed to the helper)', () => {
    const offenders = sourceFiles('src/renderer').filter((f) =>
      /\bwindow\.open\s*\(|\bshell\b.*from 'electron'/.test(fs.readFileSync(path.join(root, f), 'utf8')),
    );
    expect(offenders).toEqual([]);
  });
});
