#!/usr/bin/env node
// `npm start`: the Electron app when it can run here, otherwise browser mode on 127.0.0.1.
//   node scripts/start.mjs [--browser] [--port N] [--open]
// Electron is used when its binary is installed (node_modules/electron/path.txt names an existing file) and a
// display exists. Otherwise, and always with --browser, the renderer is built if missing and
// `sysndd-admin serve` runs in this process, printing http://127.0.0.1:PORT/#token=… .
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: {
    browser: { type: 'boolean', default: false },
    port: { type: 'string' },
    open: { type: 'boolean', default: false },
  },
  strict: true,
});

function hasDisplay() {
  if (process.platform !== 'linux') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

/**
 * Finds the Electron binary the way node_modules/electron/index.js does (path.txt names it inside dist/,
 * ELECTRON_OVERRIDE_DIST_PATH replaces dist/), but without calling `require('electron')`: from Electron 42
 * that require runs the binary download synchronously (spawnSync of install.js, no timeout), which on an
 * offline machine can hang for as long as the network stack takes to give up. Reading two files answers
 * at once and never touches the network; a missing binary is reported with the command that installs it.
 */
function electronBinary() {
  let pkgDir;
  try {
    pkgDir = path.dirname(createRequire(path.join(root, 'package.json')).resolve('electron/package.json'));
  } catch {
    return { path: null, why: 'the electron package is not installed (npm ci)' };
  }
  const pathFile = path.join(pkgDir, 'path.txt');
  const relative = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (!override && !relative) {
    return {
      path: null,
      why: `the Electron binary is not installed (offline install? \`node ${path.relative(root, path.join(pkgDir, 'install.js'))}\` downloads it)`,
    };
  }
  const binary = override ? path.join(override, relative || 'electron') : path.join(pkgDir, 'dist', relative);
  if (!fs.existsSync(binary)) return { path: null, why: `the Electron binary ${binary} does not exist` };
  return { path: binary, why: '' };
}

function build(args, what) {
  console.error(`Building ${what}…`);
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'build.mjs'), ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`Build of ${what} failed (exit ${r.status ?? r.signal}).`);
    process.exit(1);
  }
}

function runElectron(binary) {
  if (!fs.existsSync(path.join(root, 'out', 'main', 'electron.cjs'))) build([], 'the app');
  const child = spawn(binary, [root], { cwd: root, stdio: 'inherit' });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
  return new Promise((resolve) => {
    child.on('error', (err) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(err);
    });
  });
}

async function runBrowserMode() {
  if (!fs.existsSync(path.join(root, 'out', 'renderer', 'index.html'))) build(['--renderer'], 'the renderer');
  const args = ['serve'];
  if (flags.port !== undefined) args.push('--port', flags.port);
  if (flags.open) args.push('--open');
  // Same process: signals reach `serve` directly, which cancels jobs and closes the App cleanly.
  process.argv = [process.argv[0], path.join(root, 'bin', 'sysndd-admin.mjs'), ...args];
  await import(pathToFileURL(path.join(root, 'bin', 'sysndd-admin.mjs')).href);
}

if (!flags.browser) {
  // The binary first: it is the reason that tells a developer what to do (install it), and the check is
  // two file reads, so it costs nothing even where there is no display.
  const found = electronBinary();
  const electron = found.path && !hasDisplay() ? { path: null, why: 'no display ($DISPLAY / $WAYLAND_DISPLAY unset)' } : found;
  if (electron.path) {
    const failure = await runElectron(electron.path);
    console.error(`Electron could not start (${failure.message}); using browser mode instead.`);
  } else {
    console.error(`Electron is not usable here: ${electron.why}. Starting browser mode.`);
  }
}
await runBrowserMode();
