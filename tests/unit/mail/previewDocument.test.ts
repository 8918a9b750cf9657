import { describe, expect, it } from 'vitest';
import {
  buildPreviewDocument,
  PREVIEW_CSP_BLOCKED,
  PREVIEW_CSP_REMOTE,
  textPreviewDocument,
} from '../../../src/renderer/components/mail/previewDocument';

const cspMeta = (csp: string) => `<meta http-equiv="Content-Security-Policy" content="${csp}">`;

describe('mail preview document', () => {
  it('puts our CSP before any of the mail markup', () => {
    const doc = buildPreviewDocument('<html><head><script>x()</script></head><body>hi</body></html>', false);
    expect(doc.startsWith(`<!DOCTYPE html>${cspMeta(PREVIEW_CSP_BLOCKED)}`)).toBe(true);
    expect(doc.indexOf('<script>')).toBeGreaterThan(doc.indexOf('Content-Security-Policy'));
    expect(PREVIEW_CSP_BLOCKED).toBe("default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'");
  });

  it('keeps a leading doctype first (standards mode) and then our policy', () => {
    const doc = buildPreviewDocument('  <!doctype html PUBLIC "x"><p>a</p>', true);
    expect(doc).toBe(
      `  <!doctype html PUBLIC "x">${cspMeta(PREVIEW_CSP_REMOTE)}<meta name="referrer" content="no-referrer"><meta charset="utf-8"><p>a</p>`,
    );
    expect(PREVIEW_CSP_REMOTE).toContain('img-src https: http: data:');
  });

  it('a CSP inside the mail comes after ours (it can only add restrictions)', () => {
    const hostile = `${cspMeta("default-src *; script-src 'unsafe-inline'")}<script>alert(1)</script>`;
    const doc = buildPreviewDocument(hostile, false);
    expect(doc.indexOf(PREVIEW_CSP_BLOCKED)).toBeLessThan(doc.indexOf('default-src *'));
  });

  it('escapes plain text', () => {
    expect(textPreviewDocument('<b>x</b> & y')).toContain('&lt;b&gt;x&lt;/b&gt; &amp; y');
  });
});
