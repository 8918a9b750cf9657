import { useSyncExternalStore } from 'react';

/**
 * A tiny hash router (`#/jobs`). Hash routing works identically under Electron's app:// protocol and
 * the loopback web server, and needs no server-side fallback for deep links.
 */
export const DEFAULT_PATH = 'overview';

function readPath(): string {
  const match = /^#\/([a-z0-9-]+)/i.exec(window.location.hash);
  return match?.[1] ?? DEFAULT_PATH;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

/** The current page path ("overview", "jobs", …). */
export function useRoutePath(): string {
  return useSyncExternalStore(subscribe, readPath, () => DEFAULT_PATH);
}

export function navigate(path: string): void {
  window.location.hash = `#/${path}`;
}
