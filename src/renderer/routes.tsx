import type { LucideIcon } from 'lucide-react';
import { Archive, ArchiveRestore, Cable, DatabaseZap, Info, LayoutDashboard, ListChecks, Mail, ScrollText } from 'lucide-react';
import type { ComponentType } from 'react';
import { AboutPage } from './pages/AboutPage';
import { AuditPage } from './pages/AuditPage';
import { BackupsPage } from './pages/BackupsPage';
import { ConnectionsPage } from './pages/ConnectionsPage';
import { JobsPage } from './pages/JobsPage';
import { MailPage } from './pages/MailPage';
import { MigrationsPage } from './pages/MigrationsPage';
import { OverviewPage } from './pages/OverviewPage';
import { RestorePage } from './pages/RestorePage';

/** One page of the console. `path` is the hash route (`#/<path>`) and the nav's test id (`nav-<path>`). */
export interface PageRoute {
  path: string;
  label: string;
  icon: LucideIcon;
  component: ComponentType;
}

/**
 * Every page, one entry each. To add a page: write `pages/<Name>Page.tsx` and add ONE line here.
 * The navbar order is fixed in shell/navigation.ts (overview, migrations, backups, mail, connections,
 * jobs); a planned path without an entry shows a "not available yet" panel.
 */
export const routes: PageRoute[] = [
  { path: 'overview', label: 'Overview', icon: LayoutDashboard, component: OverviewPage },
  { path: 'migrations', label: 'Migrations', icon: DatabaseZap, component: MigrationsPage },
  { path: 'backups', label: 'Backups', icon: Archive, component: BackupsPage },
  { path: 'restore', label: 'Restore', icon: ArchiveRestore, component: RestorePage },
  { path: 'jobs', label: 'Jobs', icon: ListChecks, component: JobsPage },
  { path: 'mail', label: 'Mail', icon: Mail, component: MailPage },
  { path: 'connections', label: 'Connections', icon: Cable, component: ConnectionsPage },
  { path: 'audit', label: 'Audit log', icon: ScrollText, component: AuditPage },
  // Not in the fixed order of shell/navigation.ts: extra pages follow it, so About closes the list.
  { path: 'about', label: 'About', icon: Info, component: AboutPage },
];
