const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * A date for a narrow column, in local time: "06 Dec 04:29" this year, "06 Dec 2025" before (the time
 * matters less the older a backup is). The cell's title carries the full date and time.
 */
export function formatShortDate(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  const day = `${pad(d.getDate())} ${MONTHS[d.getMonth()]}`;
  return d.getFullYear() === now.getFullYear()
    ? `${day} ${pad(d.getHours())}:${pad(d.getMinutes())}`
    : `${day} ${d.getFullYear()}`;
}
