import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/main/electron/csp';
import { APP_ENTRY_URL, createAppProtocolHandler, resolveAppPath } from '../../src/main/electron/protocol';

// A real folder laid out like out/renderer, with a secret file next to it that must never be served.
let base: string;
let root: string;
beforeAll(() => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-protocol-'));
  root = path.join(base, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>app</title>');
  fs.writeFileSync(path.join(root, 'assets', 'main.js'), 'console.log(1)');
  fs.writeFileSync(path.join(base, 'secret.txt'), 'TOP-SECRET');
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

const get = (url: string, method = 'GET') => createAppProtocolHandler(root)(new Request(url, { method }));

describe('app:// protocol handler', () => {
  it('serves the renderer with the strict CSP (no unsafe-eval, no inline script) and the right type', async () => {
    const res = await get(APP_ENTRY_URL);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>app</title>');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toBe(CONTENT_SECURITY_POLICY);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const js = await get('app://sysndd-admin/assets/main.js');
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await get('app://sysndd-admin/')).status).toBe(200);
  });

  it.each([
    'app://sysndd-admin/..%2fsecret.txt',
    'app://sysndd-admin/%2e%2e%2fsecret.txt',
    'app://sysndd-admin/assets/..%2f..%2fsecret.txt',
    'app://sysndd-admin/..%5csecret.txt',
    'app://sysndd-admin/index.html%00.js',
    'app://sysndd-admin/%E0%A4%A',
    'app://other-host/index.html',
  ])('refuses %s with 403 and serves nothing outside the renderer folder', async (url) => {
    const res = await get(url);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain('TOP-SECRET');
  });

  it.each(['app://sysndd-admin/../../secret.txt', 'app://sysndd-admin/%2e%2e/%2e%2e/secret.txt'])(
    'folds the dot segments of %s at the root (the URL parser does) so they cannot escape either',
    async (url) => {
      const res = await get(url);
      expect(res.status).toBe(404);
      expect(await res.text()).not.toContain('TOP-SECRET');
      expect(resolveAppPath(root, url)).toBe(path.join(root, 'secret.txt'));
    },
  );

  it('answers 404 for missing files and folders, 405 for writes, and HEAD without a body', async () => {
    expect((await get('app://sysndd-admin/nope.js')).status).toBe(404);
    expect((await get('app://sysndd-admin/assets')).status).toBe(404);
    expect((await get(APP_ENTRY_URL, 'POST')).status).toBe(405);
    const head = await get(APP_ENTRY_URL, 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});
