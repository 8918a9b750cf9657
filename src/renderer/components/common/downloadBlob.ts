/** How long a handed-out object URL stays valid: long enough for the browser to start the download. */
const URL_LIFETIME_MS = 10_000;

/** Save bytes made in the renderer as a file through the browser's download (works in Electron and browser mode). */
export function downloadBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), URL_LIFETIME_MS);
}
