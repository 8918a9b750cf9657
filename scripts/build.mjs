#!/usr/bin/env node
// `npm run build`: every bundle electron-builder packages, plus the CLI.
//   out/main/electron.cjs     Electron main process (CJS, Node platform)
//   out/preload/index.cjs     sandboxed preload (one CJS file: a sandboxed preload cannot load other files)
//   out/cli/sysndd-admin.mjs  CLI (ESM, Node platform)
//   out/renderer/             React renderer (Vite, using the repo's vite.config.ts)
// Flags: --renderer  only the renderer (what `npm run test:e2e` needs)
//        --outdir D  write under D instead of out/ (tests build into a private folder)
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: { renderer: { type: 'boolean', default: false }, outdir: { type: 'string' } },
  strict: true,
});
const outdir = path.resolve(root, flags.outdir ?? 'out');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

// Main and CLI leave every npm package to Node's resolver at run time: electron-builder ships the
// production `dependencies` in node_modules anyway, native modules (better-sqlite3, @napi-rs/keyring,
// ssh2's optional binding, cpu-features) must stay external and be rebuilt for Electron, and packages with
// optional or dynamic requires (mysql2, ssh2, pino) work unmodified. The check below makes sure that
// every package the main code imports is a production dependency, so the packaged app can find it.
const nodeCommon = {
  bundle: true,
  platform: 'node',
  packages: 'external',
  sourcemap: 'linked',
  metafile: true,
  logLevel: 'warning',
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  absWorkingDir: root,
};

/**
 * Node lets an ES module import a CommonJS package by name only for the exports its lexer can detect
 * (ssh2's `utils`, for one, is not). The ESM CLI bundle therefore loads every npm package through the
 * banner's require(), exactly as the CJS main bundle does: one copy of each package, CommonJS semantics.
 */
const requireExternals = {
  name: 'require-externals',
  setup(build) {
    const builtins = new Set(builtinModules);
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.kind === 'entry-point' || args.path.startsWith('node:') || builtins.has(args.path)) return undefined;
      if (args.namespace === 'require-external') return { path: args.path, external: true };
      return { path: args.path, namespace: 'require-external' };
    });
    build.onLoad({ filter: /.*/, namespace: 'require-external' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

const targets = {
  main: {
    ...nodeCommon,
    entryPoints: ['src/main/electron/index.ts'],
    outfile: path.join(outdir, 'main', 'electron.cjs'),
    format: 'cjs',
    target: 'node22',
    // paths.ts finds the project root from import.meta.url, which CJS lacks: derive it from __filename.
    define: { ...nodeCommon.define, 'import.meta.url': '__importMetaUrl' },
    banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  },
  preload: {
    bundle: true,
    entryPoints: ['src/preload/index.ts'],
    outfile: path.join(outdir, 'preload', 'index.cjs'),
    // The sandboxed preload is a browser-like context whose polyfilled `require` offers only `electron`.
    platform: 'browser',
    format: 'cjs',
    target: 'chrome130',
    external: ['electron'],
    // Minified: it carries the contract's zod schemas and is parsed on every window load.
    minify: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
    absWorkingDir: root,
  },
  cli: {
    ...nodeCommon,
    entryPoints: ['src/main/doors/cli/main.ts'],
    outfile: path.join(outdir, 'cli', 'sysndd-admin.mjs'),
    format: 'esm',
    target: 'node20',
    plugins: [requireExternals],
    // The packages are loaded with require() (see requireExternals); give the ESM bundle one.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  },
};

function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Every external import of a Node bundle must be a builtin, electron, or a production dependency. */
function checkExternals(name, metafile) {
  const builtins = new Set(builtinModules);
  const allowed = new Set([...Object.keys(pkg.dependencies ?? {}), 'electron']);
  const missing = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const imp of output.imports) {
      if (!imp.external || imp.path.startsWith('node:') || builtins.has(imp.path)) continue;
      const pkgName = packageName(imp.path);
      if (!allowed.has(pkgName)) missing.add(pkgName);
    }
  }
  if (missing.size > 0) {
    throw new Error(
      `The ${name} bundle imports ${[...missing].join(', ')}, which ${missing.size === 1 ? 'is' : 'are'} not in package.json ` +
        '"dependencies"; the packaged app would not find it. Move it from devDependencies or stop importing it in main code.',
    );
  }
}

async function buildNode(name) {
  const started = performance.now();
  const result = await esbuild.build(targets[name]);
  if (name !== 'preload') checkExternals(name, result.metafile);
  return { name, ms: Math.round(performance.now() - started) };
}

async function buildRenderer() {
  const started = performance.now();
  const configFile = path.join(root, 'vite.config.ts');
  if (!fs.existsSync(configFile)) throw new Error(`No ${path.relative(root, configFile)}: the renderer build needs it.`);
  const { build } = await import('vite');
  await build({
    configFile,
    logLevel: 'warn',
    build: { outDir: path.join(outdir, 'renderer'), emptyOutDir: true },
  });
  return { name: 'renderer', ms: Math.round(performance.now() - started) };
}

const started = performance.now();
try {
  const jobs = flags.renderer ? [buildRenderer()] : [buildNode('main'), buildNode('preload'), buildNode('cli'), buildRenderer()];
  const done = await Promise.all(jobs);
  const parts = done.map((d) => `${d.name} ${d.ms} ms`).join(', ');
  console.log(`built into ${path.relative(root, outdir) || '.'}: ${parts} (total ${Math.round(performance.now() - started)} ms)`);
} catch (err) {
  // esbuild already printed its diagnostics; the rest get one clear line.
  if (!(err && Array.isArray(err.errors))) console.error(`build failed: ${err instanceof Error ? err.message : err}`);
  process.exitCode = 1;
}
