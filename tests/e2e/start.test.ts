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
const env = { ...process.env, SYSNDD_ADMIN_HOME: home, SYSNDD_ADMIN_SECRETS: 'memory' };
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
  if (child && child.exitCode === null) child.kill('SIGKILL');
  fs.rmSync(home, { recursive: true, force: true });
});

describe('npm start (browser mode)', () => {
  it('prints the loopback URL, serves the console to Chromium, and stops cleanly on SIGTERM, cancelling jobs', async () => {
    const output = { text: '' };
    child = spawn(process.execPath, [path.join(REPO_ROOT, 'scripts', 'start.mjs'), '--browser'], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = await printedUrl(child, output);
    expect(output.text).toContain('Open: http://127.0.0.1:');

    browser = await launchChromium();
    const { page, consoleErrors } = await openConsole(browser, url);
    await page.getByTestId('overview-system').waitFor();
    expect(await page.getByTestId('overview-system-door').textContent()).toBe('browser');
    expect(await page.getByTestId('overview-system-app-data-folder').textContent()).toBe(home);
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

    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child!.once('exit', (code, signal) => resolve({ code, signal })),
    );
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
});
