import { useMemo } from 'react';
import { buildPreviewDocument } from './previewDocument';

export interface HtmlPreviewProps {
  html: string;
  allowRemoteImages: boolean;
  title: string;
  height?: number | string;
  testId?: string;
}

/**
 * Mail HTML in an iframe with `sandbox=""` (no scripts, no same-origin, no forms, no popups, no top
 * navigation) filled through `srcdoc`, so hostile mail never runs in the console's own page. The document
 * carries its own CSP (see previewDocument.ts) that blocks remote content until the person asks for it.
 */
export function HtmlPreview({ html, allowRemoteImages, title, height = 480, testId = 'mail-html-preview' }: HtmlPreviewProps) {
  const doc = useMemo(() => buildPreviewDocument(html, allowRemoteImages), [html, allowRemoteImages]);
  return (
    <iframe
      title={title}
      sandbox=""
      referrerPolicy="no-referrer"
      srcDoc={doc}
      data-testid={testId}
      style={{
        width: '100%',
        height,
        border: '1px solid var(--mantine-color-default-border)',
        borderRadius: 4,
        background: '#fff',
      }}
    />
  );
}
