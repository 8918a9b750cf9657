// The one global the renderer relies on. Electron's preload defines it through contextBridge; in browser
// mode the web bridge (src/preload/webBridge.ts) installs it before the app renders.
interface Window {
  api?: import('../shared/contract/index').Api;
}
