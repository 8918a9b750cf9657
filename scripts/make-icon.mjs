#!/usr/bin/env node
// Renders resources/icon.png (512×512, transparent) from the renderer's favicon, so the packaged app and
// the browser tab show the same mark. electron-builder derives the .ico and .icns from a 512 px PNG in
// buildResources. Run after changing src/renderer/public/favicon.svg and commit the PNG:
//   node scripts/make-icon.mjs [--chromium /usr/bin/chromium]
// Chromium draws the SVG, not a rasterizer library: it is already needed by the e2e suite, and it renders
// the favicon exactly as the browser tab does.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';

const SIZE = 512;
// App icons keep a margin: macOS and most Linux docks draw them edge to edge, and a glyph touching the
// border looks cropped. 1/16 of the side on each edge.
const MARGIN = SIZE / 16;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: flags } = parseArgs({
  options: { chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' } },
  strict: true,
});

const svg = fs.readFileSync(path.join(root, 'src', 'renderer', 'public', 'favicon.svg'), 'utf8');
const output = path.join(root, 'resources', 'icon.png');

const browser = await chromium.launch({
  executablePath: flags.chromium,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
});
try {
  const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE }, deviceScaleFactor: 1 });
  const inner = SIZE - 2 * MARGIN;
  await page.setContent(
    `<!doctype html><html><body style="margin:0;background:transparent">
       <img id="icon" width="${inner}" height="${inner}" style="display:block;margin:${MARGIN}px"
            src="data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}">
     </body></html>`,
  );
  await page.locator('#icon').evaluate((img) => img.decode());
  fs.mkdirSync(path.dirname(output), { recursive: true });
  await page.screenshot({ path: output, omitBackground: true, clip: { x: 0, y: 0, width: SIZE, height: SIZE } });
  console.log(`Wrote ${path.relative(root, output)} (${SIZE}×${SIZE}).`);
} finally {
  await browser.close();
}
