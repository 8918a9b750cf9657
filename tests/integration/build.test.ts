import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');
// Inside the repo (so the bundles resolve node_modules like out/ does) but private to this test, so a
// concurrent e2e or web-door test serving out/renderer never sees a half-written build.
const outdir = path.join(root, '.tmp', `build-test-${process.pid}`);
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };

let buildOutput = '';
beforeAll(async () => {
  const started = Date.now();
  const { stdout } = await run(process.execPath, ['scripts/build.mjs', '--outdir', outdir], { cwd: root, timeout: 90_000 });
  buildOutput = `${stdout.trim()} [wall ${Date.now() - started} ms]`;
  console.log(buildOutput);
}, 120_000);
afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

describe('npm run build (scripts/build.mjs)', () => {
  it('writes the main, preload, CLI and renderer bundles electron-builder packages', () => {
    for (const file of ['main/electron.cjs', 'preload/index.cjs', 'cli/sysndd-admin.mjs', 'renderer/index.html']) {
      expect(fs.statSync(path.join(outdir, file)).size, file).toBeGreaterThan(0);
    }
    const html = fs.readFileSync(path.join(outdir, 'renderer', 'index.html'), 'utf8');
    const assets = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((m) => m[1] as string);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) expect(fs.existsSync(path.join(outdir, 'renderer', asset)), asset).toBe(true);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('runs the CLI bundle: --help exits 0, --version is the package version', async () => {
    const cli = path.join(outdir, 'cli', 'sysndd-admin.mjs');
    const help = await run(process.execPath, [cli, '--help'], { cwd: root });
    expect(help.stdout).toContain('Usage: sysndd-admin');
    const version = await run(process.execPath, [cli, '--version'], { cwd: root });
    expect(version.stdout.trim()).toBe(pkg.version);
    // A command that opens the App: native better-sqlite3, pino and zod load from the bundle's externals.
    const home = path.join(outdir, 'cli-home');
    const env = { ...process.env, SYSNDD_ADMIN_HOME: home, SYSNDD_ADMIN_SECRETS: 'memory' };
    const jobs = await run(process.execPath, [cli, '--json', 'jobs', 'list'], { cwd: root, env });
    expect(JSON.parse(jobs.stdout)).toEqual([]);
    expect(fs.existsSync(path.join(home, 'sysndd-admin.sqlite'))).toBe(true);
  });

  it('loads the main bundle under Node with a stand-in electron module (CJS, externals resolve)', async () => {
    // The Electron binary does not exist here: a stub `electron` answers the single-instance lock with
    // "taken", so the bundle loads all its dependencies, runs its startup path and quits.
    const stubDir = path.join(outdir, 'electron-stub');
    fs.mkdirSync(stubDir, { recursive: true });
    fs.writeFileSync(
      path.join(stubDir, 'hook.cjs'),
      `const Module = require('node:module');
const calls = [];
const electron = {
  app: { requestSingleInstanceLock: () => false, quit: () => { calls.push('quit'); }, on() {}, whenReady: () => new Promise(() => {}), isPackaged: false },
  protocol: { registerSchemesAsPrivileged: (s) => calls.push('scheme:' + s.map((x) => x.scheme).join()) },
};
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) { return request === 'electron' ? 'electron' : resolve.call(this, request, ...rest); };
require.cache.electron = { id: 'electron', filename: 'electron', loaded: true, exports: electron };
process.on('exit', () => console.log(JSON.stringify(calls)));
`,
    );
    const { stdout } = await run(
      process.execPath,
      ['--require', path.join(stubDir, 'hook.cjs'), path.join(outdir, 'main', 'electron.cjs')],
      {
        cwd: root,
      },
    );
    expect(JSON.parse(stdout.trim())).toEqual(['scheme:app', 'quit']);
  });

  it('the preload is one sandbox-compatible file: it needs nothing but `electron` and exposes only window.api', async () => {
    const code = fs.readFileSync(path.join(outdir, 'preload', 'index.cjs'), 'utf8');
    const exposed: Record<string, unknown> = {};
    const required: string[] = [];
    const invoked: unknown[][] = [];
    const fakeElectron = {
      contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
      ipcRenderer: {
        invoke: async (...args: unknown[]) => (invoked.push(args), { ok: true, value: { pong: true } }),
        on() {},
        removeListener() {},
      },
    };
    // What a sandboxed preload gets: a `require` that only knows Electron's renderer modules, no Node.
    const sandboxRequire = (name: string) => {
      required.push(name);
      if (name !== 'electron') throw new Error(`a sandboxed preload cannot require ${name}`);
      return fakeElectron;
    };
    const module = { exports: {} };
    vm.runInNewContext(code, { require: sandboxRequire, module, exports: module.exports, console });
    expect(required).toEqual(['electron']);
    expect(Object.keys(exposed)).toEqual(['api']);
    const api = exposed.api as { call(name: string, args: unknown): Promise<unknown> };
    expect(await api.call('system.ping', {})).toEqual({ ok: true, value: { pong: true } });
    expect(invoked).toEqual([['api:call', 'system.ping', {}]]);
  });

  it('--renderer builds only the renderer', async () => {
    const only = path.join(outdir, 'renderer-only');
    await run(process.execPath, ['scripts/build.mjs', '--renderer', '--outdir', only], { cwd: root, timeout: 90_000 });
    expect(fs.readdirSync(only)).toEqual(['renderer']);
  });
});
