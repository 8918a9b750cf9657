#!/usr/bin/env node
// `npm start`: the Electron app when it can run here, otherwise browser mode on 127.0.0.1.
//   node scripts/start.mjs [--browser] [--port N] [--open]
// Electron is used when its binary is installed (require('electron') resolves to an existing file) and a
// display exists. Otherwise, and always with --browser, the renderer is built if missing and
// `sysndd-admin serve` runs in this process, printing http://127.0.0.1:PORT/#token=… .
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
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
 * Asks the electron package for its binary in a child process: from Electron 42 the first
 * `require('electron')` tries to download the binary and throws when it cannot; a child keeps that noise
 * and any delay out of this process, and a timeout bounds it on networks that hang instead of failing.
 */
function electronBinary() {
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(String(require('electron')))"], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (probe.status !== 0 || !probe.stdout) return { path: null, why: 'the Electron binary is not installed (offline install?)' };
  const binary = probe.stdout.trim();
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
  const reason = !hasDisplay() ? 'no display ($DISPLAY / $WAYLAND_DISPLAY unset)' : null;
  const electron = reason ? { path: null, why: reason } : electronBinary();
  if (electron.path) {
    const failure = await runElectron(electron.path);
    console.error(`Electron could not start (${failure.message}); using browser mode instead.`);
  } else {
    console.error(`Electron is not usable here: ${electron.why}. Starting browser mode.`);
  }
}
await runBrowserMode();
