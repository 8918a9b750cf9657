import path from 'node:path';
import { type BrowserWindow, dialog, app as electronApp, type MessageBoxOptions, protocol, safeStorage, session } from 'electron';
import { App } from '../app/App';
import { defaultHome } from '../platform/paths';
import { AppDatabase } from '../platform/store/AppDatabase';
import { desktopFileHooks } from './fileHooks';
import { forwardEvents, registerApiIpc } from './ipc';
import { APP_ENTRY_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './protocol';
import { describeRunningJobs, QuitGuard } from './quitGuard';
import { openSafeStorageSecretStore } from './SafeStorageSecretStore';
import { hardenSession, hardenWebContents } from './security';
import { createMainWindow } from './window';

/**
 * The desktop app's lifecycle. Everything that works (services, validation, jobs) is the same App the CLI
 * and browser mode use; this file only wires Electron around it: one instance, one hardened window, the
 * app:// scheme, the IPC entry point, and a quit that never cuts a running job short without asking.
 */
export function startDesktopApp(): void {
  // Must happen before 'ready': privileged schemes are fixed when the browser process starts.
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
  if (!electronApp.requestSingleInstanceLock()) {
    electronApp.quit();
    return;
  }
  // Packaged: migrations/ ships as an extraResource next to app.asar (see electron-builder.yml).
  if (electronApp.isPackaged) process.env.SYSNDD_ADMIN_RESOURCES ??= process.resourcesPath;
  electronApp.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  electronApp.whenReady().then(onReady).catch(fail);
}

async function onReady(): Promise<void> {
  const home = defaultHome();
  // The secret store needs the app database before the App exists; a second connection to the same
  // SQLite file is safe (WAL, busy timeout) and is closed with the App.
  const secretsDb = new AppDatabase(path.join(home, 'sysndd-admin.sqlite'));
  const secrets = await openSafeStorageSecretStore({ safeStorage, database: secretsDb });
  // Declared before the App: the save dialog belongs to the window, which is created once the App exists.
  let window: BrowserWindow | null = null;
  const app = new App({ door: 'electron', secrets, home, hooks: desktopFileHooks(() => window) });
  app.onClose(() => secretsDb.close());
  app.logger.info({ secretBackend: secrets.name, version: electronApp.getVersion() }, 'desktop app started');
  if (secrets.warning) app.logger.warn({ secretBackend: secrets.name }, secrets.warning);

  hardenSession(session.defaultSession);
  protocol.handle(APP_SCHEME, createAppProtocolHandler(path.join(electronApp.getAppPath(), 'out', 'renderer')));
  registerApiIpc(app);

  const guard = new QuitGuard({
    activeJobs: () => app.jobs.active(),
    confirmCancel: (jobs) => confirmCancelJobs(window, jobs),
    shutdown: async () => {
      app.logger.info({ activeJobs: app.jobs.active().length }, 'desktop app quitting');
      await app.close();
    },
  });
  const quitWhenSafe = (event: { preventDefault(): void }): void => {
    if (guard.closed) return;
    event.preventDefault();
    guard.requestQuit().then((quit) => quit && electronApp.quit(), fail);
  };

  window = createMainWindow(path.join(electronApp.getAppPath(), 'out', 'preload', 'index.cjs'));
  const stopForwarding = forwardEvents(app, window.webContents);
  // Closing the window quits the app on every platform: jobs belong to this one window.
  window.on('close', quitWhenSafe);
  window.on('closed', () => {
    stopForwarding();
    window = null;
  });
  electronApp.on('before-quit', quitWhenSafe);
  electronApp.on('window-all-closed', () => electronApp.quit());
  electronApp.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  await window.loadURL(APP_ENTRY_URL);
}

async function confirmCancelJobs(
  window: BrowserWindow | null,
  jobs: Parameters<typeof describeRunningJobs>[0],
): Promise<boolean> {
  const { message, detail } = describeRunningJobs(jobs);
  const options: MessageBoxOptions = {
    type: 'warning',
    title: 'Quit SysNDD Admin?',
    message,
    detail,
    buttons: ['Keep running', 'Cancel jobs and quit'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  };
  const answer =
    window && !window.isDestroyed() ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
  return answer.response === 1;
}

function fail(err: unknown): void {
  const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
  dialog.showErrorBox('SysNDD Admin could not start', message);
  electronApp.exit(1);
}
