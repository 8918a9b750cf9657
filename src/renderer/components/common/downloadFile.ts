/** Saves content as a file through the browser's download (Electron shows its Save dialog for it). */
export function downloadFile(filename: string, content: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  // Not revoked at once: the download may read the blob only after click() has returned.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
