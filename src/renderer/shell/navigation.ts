import type { LucideIcon } from 'lucide-react';
import { Archive, ArchiveRestore, Cable, DatabaseZap, LayoutDashboard, ListChecks, Mail, ScrollText } from 'lucide-react';
import type { PageRoute } from '../routes';

export interface NavItem {
  path: string;
  label: string;
  icon: LucideIcon;
  /** The page, or null while no helper has registered it in routes.tsx yet. */
  route: PageRoute | null;
}

/** The console's fixed navigation order (issue #2). Pages register under these paths in routes.tsx. */
const PLANNED: ReadonlyArray<Omit<NavItem, 'route'>> = [
  { path: 'overview', label: 'Overview', icon: LayoutDashboard },
  { path: 'migrations', label: 'Migrations', icon: DatabaseZap },
  { path: 'backups', label: 'Backups', icon: Archive },
  { path: 'restore', label: 'Restore', icon: ArchiveRestore },
  { path: 'mail', label: 'Mail', icon: Mail },
  { path: 'connections', label: 'Connections', icon: Cable },
  { path: 'jobs', label: 'Jobs', icon: ListChecks },
  { path: 'audit', label: 'Audit log', icon: ScrollText },
];

/** Planned entries (with their page when registered), then any extra registered pages in route order. */
export function buildNav(routes: readonly PageRoute[]): NavItem[] {
  const byPath = new Map(routes.map((r) => [r.path, r]));
  const planned = PLANNED.map((p) => {
    const route = byPath.get(p.path) ?? null;
    return route ? { path: p.path, label: route.label, icon: route.icon, route } : { ...p, route };
  });
  const extra = routes.filter((r) => !PLANNED.some((p) => p.path === r.path));
  return [...planned, ...extra.map((r) => ({ path: r.path, label: r.label, icon: r.icon, route: r }))];
}
