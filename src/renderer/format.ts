/** Small display helpers shared by pages (kept free of React so they are trivially testable). */

export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.round(totalSeconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${String(m % 60).padStart(2, '0')} min`;
}

/** "about 2 min 05 s left", or null while the runner cannot estimate yet. */
export function formatEta(etaSeconds: number | null | undefined): string | null {
  if (etaSeconds === null || etaSeconds === undefined || !Number.isFinite(etaSeconds)) return null;
  return `about ${formatDuration(etaSeconds)} left`;
}

export { formatBytes } from '../shared/format';

/** Local date and time without seconds' fractions: "2026-05-01 14:03:22". */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Wall time between two timestamps (or until now for a running job). */
export function elapsed(fromIso: string | null, toIso: string | null): string {
  if (!fromIso) return '—';
  const end = toIso ? Date.parse(toIso) : Date.now();
  return formatDuration((end - Date.parse(fromIso)) / 1000);
}
