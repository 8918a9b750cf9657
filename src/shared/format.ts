/**
 * Wording of quantities that every door shows the same way (renderer, CLI, readiness summaries). No Node,
 * DOM or Electron here: the contract layer's rules.
 */

/** 1536 → "1.5 KiB"; bytes below 1 KiB as they are. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
