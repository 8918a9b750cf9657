import { type ChildProcess, execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../src/shared/contract/index';
import { launchChromium, openConsole, REPO_ROOT, saveScreenshot } from '../fixtures/browserMode';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-admin-start-'));
// No display, like a server or CI container: `npm start` must fall back to browser mode on its own. Without
// this, a developer's desktop session would make the test launch (or try to launch) the Electron app.
const { DISPLAY: _display, WAYLAND_DISPLAY: _wayland, ...inherited } = process.env;
const env = { ...inherited, SYSNDD_ADMIN_HOME: home, SYSNDD_ADMIN_SECRETS: 'memory' };
const children: ChildProcess[] = [];
let child: ChildProcess | null = null;
let browser: Browser | null = null;

/** Resolves with the first `http://127.0.0.1:PORT/#token=…` the process prints. */
function printedUrl(proc: ChildProcess, output: { text: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL printed within 90 s; output so far:\n${output.text}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output.text += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\/#token=[0-9a-f]{64}/.exec(output.text);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    proc.stdout?.on('data', onData);
    proc.stderr?.on('data', (c: Buffer) => {
      output.text += c.toString();
    });
    proc.once('exit', (code) => reject(new Error(`start.mjs exited (${code}) before printing a URL:\n${output.text}`)));
  });
}

afterAll(async () => {
  await browser?.close();
  for (const proc of children) if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  fs.rmSync(home, { recursive: true, force: true });
});

function startScript(args: string[]): ChildProcess {
  const proc = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'start.mjs'), ...args], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(proc);
  return proc;
}

function exitOf(proc: ChildProcess): Promise<{ code: number | null; signal: string | null }> {
  return new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
}

/** The one line start.mjs prints when it falls back; the reason depends on what this machine lacks. */
const ELECTRON_FALLBACK =
  /^Electron is not usable here: (the Electron binary is not installed \(offline install\? `node node_modules\/electron\/install\.js` downloads it\)|no display \(\$DISPLAY \/ \$WAYLAND_DISPLAY unset\))\. Starting browser mode\.$/m;

describe('npm start (browser mode)', () => {
  it('without flags (as `npm start`): says why Electron is not used, prints the loopback URL, serves the console to Chromium, and stops cleanly on SIGTERM, cancelling jobs', async () => {
    const output = { text: '' };
    const startedAt = Date.now();
    child = startScript([]);
    const url = await printedUrl(child, output);
    expect(output.text).toMatch(ELECTRON_FALLBACK);
    // The fallback line comes before the URL, i.e. the Electron check ran first and did not block long:
    // the renderer is already built (the e2e run builds it), so the URL follows within seconds.
    expect(output.text.indexOf('Electron is not usable here')).toBeLessThan(output.text.indexOf(url));
    expect(Date.now() - startedAt).toBeLessThan(30_000);
    expect(output.text).toContain(`Open: ${url}`);

    browser = await launchChromium();
    const { page, consoleErrors } = await openConsole(browser, url);
    await page.getByTestId('nav-about').click();
    await page.getByTestId('about-system').waitFor();
    expect(await page.getByTestId('about-system-door').textContent()).toBe('browser');
    expect(await page.getByTestId('about-system-app-data-folder').textContent()).toBe(home);
    await saveScreenshot(page, 'npm-start-browser-mode');
    expect(consoleErrors).toEqual([]);

    // A long job is running when the signal arrives: shutdown must cancel it, not leave it "running".
    const jobId = await page.evaluate(async () => {
      const r = await window.api!.call('jobs.demo', { steps: 10_000, stepMs: 100 });
      if (!r.ok) throw new Error(r.message);
      return r.value.id;
    });
    await page.getByTestId('jobs-drawer-toggle').click();
    await page.getByTestId(`job-cancel-${jobId}`).waitFor();
    await browser.close();
    browser = null;

    const exited = exitOf(child);
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const { code, signal } = await exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(Date.now() - signalledAt).toBeLessThan(15_000);
    expect(output.text).toContain('Stopped.');

    const { stdout } = await promisify(execFile)(
      process.execPath,
      [path.join(REPO_ROOT, 'bin', 'sysndd-admin.mjs'), '--json', 'jobs', 'show', jobId],
      {
        cwd: REPO_ROOT,
        env,
      },
    );
    const shown = JSON.parse(stdout) as { job: JobSnapshot };
    expect(shown.job.state).toBe('cancelled');
    expect(shown.job.finishedAt).not.toBeNull();
  });

  it('with --browser skips the Electron check and goes straight to browser mode', async () => {
    const output = { text: '' };
    const proc = startScript(['--browser']);
    const url = await printedUrl(proc, output);
    expect(output.text).not.toContain('Electron');
    const response = await fetch(new URL('/', url));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<div id="root">');
    const exited = exitOf(proc);
    proc.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
  });
});
