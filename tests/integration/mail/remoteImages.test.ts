import http from 'node:http';
import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inlineRemoteImages } from '../../../src/main/features/mail/preview/remoteImages';

/**
 * "Load remote images" against real local HTTP servers: loopback targets, directly or through a redirect, are
 * refused with a reason and never contacted; an explicitly allowed origin (the test seam) still loads.
 */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64',
);
let front: http.Server; // plays the public image host (allowed origin)
let inner: http.Server; // plays an internal service that must never be reached
let frontUrl = '';
let innerPort = 0;
const innerHits: string[] = [];

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as net.AddressInfo).port;
}

beforeAll(async () => {
  inner = http.createServer((req, res) => {
    innerHits.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'image/png' });
    res.end(PNG);
  });
  innerPort = await listen(inner);
  front = http.createServer((req, res) => {
    const url = req.url ?? '';
    if (url === '/logo.png') {
      res.writeHead(200, { 'content-type': 'image/png' });
      res.end(PNG);
    } else if (url.startsWith('/to/')) {
      res.writeHead(302, { location: decodeURIComponent(url.slice(4)) });
      res.end();
    } else if (url === '/loop') {
      res.writeHead(302, { location: '/loop' });
      res.end();
    } else if (url === '/page') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<p>not an image</p>');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  frontUrl = `http://127.0.0.1:${await listen(front)}`;
});
afterAll(async () => {
  await Promise.all([front, inner].map((s) => new Promise((resolve) => s?.close(resolve))));
});

const img = (src: string) => `<p>mail</p><img src="${src}">`;

describe('inlineRemoteImages address policy', () => {
  it('refuses a loopback URL by default, with the reason, without contacting it', async () => {
    for (const src of [
      `http://127.0.0.1:${innerPort}/a.png`,
      `http://localhost:${innerPort}/b.png`,
      `http://[::1]:${innerPort}/c.png`,
    ]) {
      const r = await inlineRemoteImages(img(src));
      expect(r.report).toMatchObject({ found: 1, loaded: 0 });
      expect(r.report.failed[0]).toMatch(/refused: .*(127\.0\.0\.1|::1).*loopback/);
      expect(r.html).toContain(src);
    }
    // Even the allowed image host is refused without the explicit seam.
    expect((await inlineRemoteImages(img(`${frontUrl}/logo.png`))).report.failed[0]).toMatch(/loopback/);
    expect(innerHits).toEqual([]);
  });

  it('loads from an explicitly allowed origin (the seam the e2e test uses)', async () => {
    const r = await inlineRemoteImages(img(`${frontUrl}/logo.png`), { allowOrigins: [frontUrl] });
    expect(r.report).toEqual({ found: 1, loaded: 1, failed: [] });
    expect(r.html).toContain(`data:image/png;base64,${PNG.toString('base64')}`);
  });

  it('re-checks every redirect hop: a redirect to loopback, private or non-http targets is refused', async () => {
    const targets: Array<[string, RegExp]> = [
      [`http://127.0.0.1:${innerPort}/secret.png`, /refused: 127\.0\.0\.1 is a loopback address/],
      [`http://localhost:${innerPort}/secret.png`, /refused: localhost resolves to .*loopback/],
      ['http://169.254.169.254/latest/meta-data', /refused: 169\.254\.169\.254 is a link-local address/],
      ['http://10.0.0.7/x.png', /refused: 10\.0\.0\.7 is a private/],
      ['file:///etc/passwd', /refused: file: is not http\(s\)/],
    ];
    for (const [target, reason] of targets) {
      const r = await inlineRemoteImages(img(`${frontUrl}/to/${encodeURIComponent(target)}`), { allowOrigins: [frontUrl] });
      expect(r.report.loaded, target).toBe(0);
      expect(r.report.failed[0], target).toMatch(reason);
    }
    expect(innerHits).toEqual([]);
  });

  it('bounds redirects and refuses answers that are not images', async () => {
    const loop = await inlineRemoteImages(img(`${frontUrl}/loop`), { allowOrigins: [frontUrl] });
    expect(loop.report.failed[0]).toMatch(/more than 5 redirects/);
    const page = await inlineRemoteImages(img(`${frontUrl}/page`), { allowOrigins: [frontUrl] });
    expect(page.report.failed[0]).toMatch(/HTTP 200 text\/html/);
  });
});
