import path from 'node:path';
import { type BrowserWindow, dialog, app as electronApp, type SaveDialogOptions, shell } from 'electron';
import type { DoorHooks } from '../app/DoorHooks';

/** What the desktop file hooks need of the door: the window a dialog belongs to, when there is one. */
export type WindowOf = () => BrowserWindow | null;

/**
 * The Electron door's file hooks (DoorHooks): the native save dialog for "Save as…" and the system file
 * manager for "Show in folder". Only the choosing and the showing happen here; the copy and its
 * verification are the backups feature's (features/backups/copy/), the same code every door runs.
 */
export function desktopFileHooks(windowOf: WindowOf): Required<Pick<DoorHooks, 'chooseSavePath' | 'showInFolder'>> {
  return {
    async chooseSavePath({ fileName }) {
      const options: SaveDialogOptions = {
        title: 'Save a copy of the backup',
        // The Downloads folder to start with; the dialog remembers where the person went last.
        defaultPath: path.join(electronApp.getPath('downloads'), fileName),
        buttonLabel: 'Save copy',
        filters: [{ name: 'Backups', extensions: extensionsOf(fileName) }],
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      };
      const window = windowOf();
      const answer =
        window && !window.isDestroyed() ? await dialog.showSaveDialog(window, options) : await dialog.showSaveDialog(options);
      return answer.canceled || !answer.filePath ? null : answer.filePath;
    },
    showInFolder(file) {
      shell.showItemInFolder(file);
    },
  };
}

/** The filter's extension: everything after the first dot of a backup name (`gz`, `age`, `sql`), last part. */
function extensionsOf(fileName: string): string[] {
  const last = path.extname(fileName).slice(1);
  return last ? [last] : ['*'];
}
