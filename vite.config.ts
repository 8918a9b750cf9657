import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The renderer bundle, shared by the Electron window (app:// protocol) and browser mode (loopback HTTP).
 * `base: './'` keeps asset URLs relative so both origins work. The build must stay CSP-clean: no inline
 * scripts (the module-preload polyfill is off; Chromium/Electron support modulepreload natively) and no
 * eval (React and Mantine production builds need none).
 */
export default defineConfig({
  root: path.join(here, 'src/renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: path.join(here, 'out/renderer'),
    emptyOutDir: true,
    target: 'chrome120',
    sourcemap: false,
    modulePreload: { polyfill: false },
    // Inlined assets become data: URLs, which the CSP allows for images and fonts only; keep that explicit.
    assetsInlineLimit: 4096,
    chunkSizeWarningLimit: 2000,
  },
  server: { host: '127.0.0.1', strictPort: false },
});
