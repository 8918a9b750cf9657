import { BrowserWindow, type WebPreferences } from 'electron';

/**
 * The renderer runs as untrusted web content: isolated world for the preload, Chromium sandbox, no Node,
 * same-origin policy on, no <webview>, no mixed content. The preload is one CommonJS file (a sandboxed
 * preload cannot load other files) that exposes only `window.api`.
 */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}

/** The main window, shown once its first paint is ready so the user never sees a blank frame. */
export function createMainWindow(preloadPath: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1320,
    height: 860,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'SysNDD Admin',
    backgroundColor: '#f8f9fa',
    webPreferences: secureWebPreferences(preloadPath),
  });
  window.once('ready-to-show', () => window.show());
  return window;
}
