#!/usr/bin/env node
// Runs the bundled CLI (npm run build) unless it is older than the sources next to it, in which case the
// TypeScript sources run through tsx: a stale bundle in a checkout must never hide a code change.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bundle = join(root, 'out', 'cli', 'sysndd-admin.mjs');
const sources = [join(root, 'src', 'main'), join(root, 'src', 'shared')];

/** Newest modification time under the given folders (0 when they do not exist, e.g. in a package). */
function newestMtime(dirs) {
  let newest = 0;
  const stack = dirs.filter((d) => existsSync(d));
  while (stack.length > 0) {
    const dir = stack.pop();
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, entry.name);
      if (entry.isDirectory()) stack.push(p);
      else newest = Math.max(newest, statSync(p).mtimeMs);
    }
  }
  return newest;
}

const useBundle = existsSync(bundle) && !process.env.SYSNDD_ADMIN_FROM_SOURCE && statSync(bundle).mtimeMs >= newestMtime(sources);
if (useBundle) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'src', 'main', 'doors', 'cli', 'main.ts')).href);
}
