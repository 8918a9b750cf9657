/** The preview's own policy: nothing may load or run except inline styles and embedded images. */
export const PREVIEW_CSP_BLOCKED = "default-src 'none'; img-src data: cid:; style-src 'unsafe-inline'";
/** After "Load remote images". The console's own CSP (inherited by the frame) still applies on top. */
export const PREVIEW_CSP_REMOTE = "default-src 'none'; img-src https: http: data: cid:; style-src 'unsafe-inline'";

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

/**
 * The document shown in the sandboxed preview iframe: the mail's HTML with a Content-Security-Policy meta
 * (and no-referrer) placed before any of its markup, so the policy governs everything the mail contains. A
 * mail's own CSP meta can only add restrictions, never lift ours. Scripting is also off by the iframe's
 * `sandbox=""`, so even a policy mistake would not let hostile HTML run or reach the console.
 */
export function buildPreviewDocument(html: string, allowRemoteImages: boolean): string {
  const csp = allowRemoteImages ? PREVIEW_CSP_REMOTE : PREVIEW_CSP_BLOCKED;
  const head = `<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}"><meta name="referrer" content="no-referrer"><meta charset="utf-8">`;
  const doctype = /^\s*<!doctype[^>]*>/i.exec(html);
  // Keep a leading doctype first (standards mode); everything else comes after our policy.
  return doctype ? `${doctype[0]}${head}${html.slice(doctype[0].length)}` : `<!DOCTYPE html>${head}${html}`;
}

/** Plain text as a preview document (for messages without HTML), escaped and pre-wrapped. */
export function textPreviewDocument(text: string): string {
  const escaped = text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return buildPreviewDocument(
    `<pre style="white-space:pre-wrap;font-family:ui-monospace,monospace;font-size:13px">${escaped}</pre>`,
    false,
  );
}
