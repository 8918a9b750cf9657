import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type RunningWebServer, startWebServer } from '../../src/main/doors/web/WebServer';
import type { AppEvent } from '../../src/shared/contract/events';
import { createTestApp, type TestApp } from '../fixtures/app';

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

let testApp: TestApp;
let server: RunningWebServer;
let rendererDir: string;
let outside: string;

/** Raw HTTP so we control Host, Origin and un-normalised paths (fetch would clean them up). */
function request(options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port: server.port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: { Host: `127.0.0.1:${server.port}`, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function callApi(name: string, args: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return request({
    method: 'POST',
    path: `/api/call/${name}`,
    headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(args),
  });
}

/** Opens the events socket and resolves with the HTTP status when the upgrade is refused. */
function openSocket(options: { protocols?: string[]; origin?: string; query?: string } = {}): Promise<WebSocket | number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/events${options.query ?? ''}`, options.protocols ?? [], {
      ...(options.origin ? { origin: options.origin } : {}),
    });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', reject);
  });
}

beforeAll(async () => {
  testApp = createTestApp();
  rendererDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-admin-renderer-'));
  fs.mkdirSync(path.join(rendererDir, 'assets'));
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>console</title>');
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1);');
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'sysndd-admin-outside-'));
  fs.writeFileSync(path.join(outside, 'secret.txt'), 'not for the browser');
  fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(rendererDir, 'escape.txt'));
  server = await startWebServer({ app: testApp.app, rendererDir, maxBodyBytes: 64 * 1024 });
});

afterAll(async () => {
  await server?.close();
  await testApp?.close();
  fs.rmSync(rendererDir, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

describe('web door: authentication and origin checks', () => {
  it('binds 127.0.0.1 and prints a URL whose fragment carries a 32-byte token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`);
    expect(server.token).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a call without a token (401)', async () => {
    const r = await request({
      method: 'POST',
      path: '/api/call/system.ping',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body).message).toMatch(/Missing access token/);
  });

  it('refuses a wrong token, including one of the right length (401)', async () => {
    expect((await callApi('system.ping', {}, { Authorization: 'Bearer nope' })).status).toBe(401);
    const sameLength = server.token.replace(/.$/, (c) => (c === '0' ? '1' : '0'));
    expect((await callApi('system.ping', {}, { Authorization: `Bearer ${sameLength}` })).status).toBe(401);
  });

  it('refuses a foreign Host header even with the right token (403, DNS rebinding)', async () => {
    const r = await callApi('system.ping', {}, { Host: `evil.example:${server.port}` });
    expect(r.status).toBe(403);
    const noPort = await callApi('system.ping', {}, { Host: '127.0.0.1' });
    expect(noPort.status).toBe(403);
    const staticPage = await request({ path: '/', headers: { Host: `rebind.attacker.test:${server.port}` } });
    expect(staticPage.status).toBe(403);
  });

  it('refuses a foreign Origin even with the right token (403)', async () => {
    expect((await callApi('system.ping', {}, { Origin: 'http://evil.example' })).status).toBe(403);
    expect((await callApi('system.ping', {}, { Origin: 'null' })).status).toBe(403);
    expect((await callApi('system.ping', {}, { Origin: `http://127.0.0.1:${server.port + 1}` })).status).toBe(403);
  });

  it('accepts its own origin and the localhost spelling', async () => {
    const same = await callApi('system.ping', {}, { Origin: `http://127.0.0.1:${server.port}` });
    expect(same.status).toBe(200);
    const viaLocalhost = await callApi(
      'system.ping',
      {},
      { Host: `localhost:${server.port}`, Origin: `http://localhost:${server.port}` },
    );
    expect(JSON.parse(viaLocalhost.body)).toMatchObject({ ok: true, value: { pong: true } });
  });
});

describe('web door: calls go through dispatch', () => {
  it('runs a valid call as the browser door', async () => {
    const r = await callApi('jobs.list', { limit: 5 });
    expect(r.status).toBe(200);
    expect(r.headers['cache-control']).toBe('no-store');
    expect(JSON.parse(r.body)).toEqual({ ok: true, value: [] });
  });

  it('rejects an invalid payload with INVALID_ARGUMENT naming the field', async () => {
    const body = JSON.parse((await callApi('jobs.demo', { steps: -3, stepMs: 'fast' })).body);
    expect(body).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(body.message).toMatch(/steps/);
    const extra = JSON.parse((await callApi('system.ping', { sneaky: true })).body);
    expect(extra.code).toBe('INVALID_ARGUMENT');
  });

  it('answers UNKNOWN_OPERATION, malformed JSON, wrong media type, wrong method and oversized bodies', async () => {
    expect(JSON.parse((await callApi('nope.nothing', {})).body).code).toBe('UNKNOWN_OPERATION');
    const bad = await request({
      method: 'POST',
      path: '/api/call/system.ping',
      headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
      body: '{"unterminated',
    });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).code).toBe('INVALID_ARGUMENT');
    const form = await request({
      method: 'POST',
      path: '/api/call/system.ping',
      headers: { Authorization: `Bearer ${server.token}`, 'Content-Type': 'text/plain' },
      body: '{}',
    });
    expect(form.status).toBe(415);
    const get = await request({ path: '/api/call/system.ping', headers: { Authorization: `Bearer ${server.token}` } });
    expect(get.status).toBe(405);
    const huge = await callApi('profiles.create', { profile: { name: 'x'.repeat(100 * 1024) } });
    expect(huge.status).toBe(413);
    // The server is still healthy afterwards.
    expect((await callApi('system.ping', {})).status).toBe(200);
  });
});

describe('web door: events over WebSocket', () => {
  it('pushes job.updated events of a job started over HTTP, ending in its final state', async () => {
    const ws = await openSocket({ protocols: ['sysndd-admin', `token.${server.token}`] });
    expect(ws).toBeInstanceOf(WebSocket);
    const socket = ws as WebSocket;
    expect(socket.protocol).toBe('sysndd-admin');
    const events: AppEvent[] = [];
    const finished = new Promise<void>((resolve) => {
      socket.on('message', (data) => {
        const event = JSON.parse(String(data)) as AppEvent;
        events.push(event);
        if (event.type === 'job.updated' && event.job.state === 'succeeded') resolve();
      });
    });
    const started = JSON.parse((await callApi('jobs.demo', { steps: 5, stepMs: 20 })).body);
    expect(started.ok).toBe(true);
    await finished;
    const updates = events.filter((e) => e.type === 'job.updated' && e.job.id === started.value.id);
    expect(updates.length).toBeGreaterThanOrEqual(2);
    expect(updates.at(-1)).toMatchObject({ job: { state: 'succeeded', progress: { done: 5, total: 5 } } });
    expect(events.some((e) => e.type === 'job.log' && e.line.jobId === started.value.id)).toBe(true);
    socket.close();
  });

  it('accepts the token as ?token= for non-browser clients', async () => {
    const ws = await openSocket({ query: `?token=${server.token}` });
    expect(ws).toBeInstanceOf(WebSocket);
    (ws as WebSocket).close();
  });

  it('refuses sockets without token (401), with a wrong token (401) or from a foreign origin (403)', async () => {
    expect(await openSocket()).toBe(401);
    expect(await openSocket({ protocols: ['sysndd-admin', 'token.abc'] })).toBe(401);
    expect(await openSocket({ protocols: ['sysndd-admin', `token.${server.token}`], origin: 'http://evil.example' })).toBe(403);
  });
});

describe('web door: static files', () => {
  it('serves index.html for / with a strict CSP and the security headers', async () => {
    const r = await request({ path: '/' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body).toContain('<title>console</title>');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`ws://127.0.0.1:${server.port}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('DENY');
    const js = await request({ path: '/assets/app.js' });
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toContain('immutable');
  });

  it('refuses path traversal in every spelling and symlinks that leave the folder', async () => {
    for (const p of [
      '/../package.json',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/assets/..%2f..%2fetc%2fpasswd',
      '/..%5c..%5cetc%5cpasswd',
      '/%00index.html',
    ]) {
      const r = await request({ path: p });
      expect([400, 404], p).toContain(r.status);
      expect(r.body).not.toContain('root:');
    }
    const link = await request({ path: '/escape.txt' });
    expect(link.status).toBe(400);
    expect(link.body).not.toContain('not for the browser');
    expect((await request({ path: '/missing.js' })).status).toBe(404);
    expect((await request({ method: 'POST', path: '/index.html' })).status).toBe(405);
  });
});
