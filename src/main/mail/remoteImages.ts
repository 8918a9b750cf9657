const MAX_IMAGES = 30;
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

/**
 * "Load remote images" for the preview: the main process fetches the `<img>` URLs of a message and inlines
 * them as data: URLs. The preview iframe inherits the console's own Content-Security-Policy (srcdoc, blob:
 * and data: frames all do in Chromium), which rightly forbids remote images for the whole app; fetching
 * here keeps that policy intact and makes the person's click the only thing that causes a request.
 * Only image/* answers are used, with size caps; nothing is fetched without the explicit request.
 */
export async function inlineRemoteImages(html: string, timeoutMs = 10_000): Promise<{ html: string; report: RemoteImageReport }> {
  const sources = imageSources(html);
  const unique = [...new Set(sources.map((s) => s.url))].slice(0, MAX_IMAGES);
  const report: RemoteImageReport = { found: new Set(sources.map((s) => s.url)).size, loaded: 0, failed: [] };
  const dataUrls = new Map<string, string>();
  let total = 0;
  await Promise.all(
    unique.map(async (written) => {
      const url = decodeEntities(written);
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'image/*' } });
        const type = (res.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
        if (!res.ok || !type.startsWith('image/')) throw new Error(`HTTP ${res.status} ${type || 'no content type'}`);
        const body = Buffer.from(await res.arrayBuffer());
        total += body.length;
        if (body.length > MAX_IMAGE_BYTES || total > MAX_TOTAL_BYTES) throw new Error('too large');
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
