import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import { blockedAddressReason } from '../smtp/addressPolicy';

const MAX_IMAGES = 30;
const MAX_REDIRECTS = 5;
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const MAX_TOTAL_BYTES = 20 * 1024 * 1024;

export interface RemoteImageReport {
  found: number;
  loaded: number;
  failed: string[];
}

/** The http(s) URLs of `<img src>` attributes, as written in the HTML (entities not yet decoded). */
function imageSources(html: string): Array<{ attr: string; url: string }> {
  const out: Array<{ attr: string; url: string }> = [];
  const tags = /<img\b[^>]*>/gi;
  for (let tag = tags.exec(html); tag; tag = tags.exec(html)) {
    const src = /\ssrc\s*=\s*(["'])(https?:\/\/[^"']+)\1/i.exec(tag[0]);
    if (src) out.push({ attr: src[0], url: src[2] as string });
  }
  return out;
}

function decodeEntities(s: string): string {
  return s
    .replace(/&amp;/g, '&')
    .replace(/&#38;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'");
}

/** How many distinct remote images the HTML would load. */
export function countRemoteImages(html: string): number {
  return new Set(imageSources(html).map((s) => s.url)).size;
}

export interface RemoteImageOptions {
  /** Per image, all redirects included. */
  timeoutMs?: number;
  /**
   * Test-only seam: exact origins (`http://127.0.0.1:4321`) exempt from the address policy, so the e2e test's
   * local recording server can stand in for a public image host. The product never sets it.
   */
  allowOrigins?: readonly string[];
}

/** A request the address policy refused; its message is the reason shown in the report. */
class Refused extends Error {}

/**
 * dns.lookup that refuses names resolving to a non-public address. It is the lookup the socket itself
 * uses, so a name cannot resolve to a public address for a check and to loopback for the connection.
 */
const guardedLookup: net.LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    for (const a of addresses) {
      const reason = blockedAddressReason(a.address);
      if (reason) return callback(new Refused(`refused: ${hostname} resolves to ${a.address}, ${reason}`), '', 0);
    }
    const first = addresses[0];
    if (!first) return callback(new Error(`${hostname} has no address`), '', 0);
    if (options.all) callback(null, addresses);
    else callback(null, first.address, first.family);
  });
};

interface Answer {
  status: number;
  location: string | null;
  type: string;
  body: Buffer;
}

/** One GET, without following redirects, reading at most `maxBytes` of the body. */
function getOnce(url: URL, guarded: boolean, signal: AbortSignal, maxBytes: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const lib = url.protocol === 'https:' ? https : http;
    const req = lib.get(url, { signal, headers: { accept: 'image/*' }, ...(guarded ? { lookup: guardedLookup } : {}) }, (res) => {
      const status = res.statusCode ?? 0;
      const type = (res.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
      const location = res.headers.location ?? null;
      if (status >= 300 && status < 400) {
        res.resume();
        return resolve({ status, location, type, body: Buffer.alloc(0) });
      }
      if (status < 200 || status >= 300 || !type.startsWith('image/')) {
        res.resume();
        return reject(new Error(`HTTP ${status} ${type || 'no content type'}`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) {
          req.destroy(new Error('too large'));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => resolve({ status, location, type, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', (err) => reject(err instanceof Refused || err.message === 'too large' ? err : new Error(err.message)));
  });
}

/**
 * Fetch one image under the address policy: http(s) only, every hop's host checked (IP literals here, names
 * by the guarded lookup at connect time), at most MAX_REDIRECTS redirects, one time limit for all of them.
 */
async function fetchImage(
  written: string,
  options: RemoteImageOptions,
  maxBytes: number,
): Promise<{ type: string; body: Buffer }> {
  const signal = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  let url = new URL(written);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Refused(`refused: ${url.protocol} is not http(s)`);
    const guarded = !(options.allowOrigins ?? []).includes(url.origin);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    const literal = blockedAddressReason(host);
    if (guarded && literal && literal !== 'not an IP address') throw new Refused(`refused: ${host} is ${literal}`);
    const answer = await getOnce(url, guarded, signal, maxBytes);
    if (answer.status < 300 || answer.status >= 400) return { type: answer.type, body: answer.body };
    if (!answer.location) throw new Error(`HTTP ${answer.status} without a Location`);
    url = new URL(answer.location, url);
  }
  throw new Refused(`refused: more than ${MAX_REDIRECTS} redirects`);
}

/**
 * "Load remote images" for the preview: the main process fetches the `<img>` URLs of a message and inlines
 * them as data: URLs. The preview iframe inherits the console's own Content-Security-Policy (srcdoc, blob:
 * and data: frames all do in Chromium), which rightly forbids remote images for the whole app; fetching
 * here keeps that policy intact and makes the person's click the only thing that causes a request.
 * Only public addresses (see addressPolicy.ts), image/* answers, and bounded sizes, redirects and time.
 */
export async function inlineRemoteImages(
  html: string,
  options: RemoteImageOptions = {},
): Promise<{ html: string; report: RemoteImageReport }> {
  const sources = imageSources(html);
  const unique = [...new Set(sources.map((s) => s.url))].slice(0, MAX_IMAGES);
  const report: RemoteImageReport = { found: new Set(sources.map((s) => s.url)).size, loaded: 0, failed: [] };
  const dataUrls = new Map<string, string>();
  let total = 0;
  await Promise.all(
    unique.map(async (written) => {
      const url = decodeEntities(written);
      try {
        const { type, body } = await fetchImage(url, options, MAX_IMAGE_BYTES);
        total += body.length;
        if (total > MAX_TOTAL_BYTES) throw new Error('too large');
        dataUrls.set(written, `data:${type};base64,${body.toString('base64')}`);
        report.loaded += 1;
      } catch (err) {
        report.failed.push(`${url}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }),
  );
  let out = html;
  for (const { attr, url } of sources) {
    const data = dataUrls.get(url);
    if (data) out = out.split(attr).join(attr.replace(url, data));
  }
  return { html: out, report };
}
