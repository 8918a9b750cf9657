// Entry of the Electron main bundle (out/main/electron.cjs). Kept apart from main.ts so tests can import
// the lifecycle with a mocked `electron` module and start it themselves.
import { startDesktopApp } from './main';

startDesktopApp();
