import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { inflateSync } from 'node:zlib';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';

// electron-builder reads its YAML with js-yaml (app-builder-lib/out/util/config/load.js); use the same parser.
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };

const root = path.resolve(import.meta.dirname, '..', '..');
const config = yaml.load(fs.readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
const schema = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8')) as object;

// strict: false because the schema carries electron-builder's own annotation keywords.
const ajv = new Ajv({ allErrors: true, strict: false });
const check = ajv.compile(schema);
function validate(candidate: unknown) {
  const ok = check(candidate);
  return { ok, errors: ajv.errorsText(check.errors, { separator: '\n' }) };
}

interface PngHeader {
  width: number;
  height: number;
  colorType: number;
  /** Alpha of pixel (0,0): 0 means the icon's background is transparent. */
  cornerAlpha: number | null;
}

/**
 * Reads a PNG's IHDR (RFC 2083 §4.1.1: the first chunk, big-endian width and height) and, for 8-bit RGBA,
 * the alpha of the top-left pixel. That pixel needs no unfiltering: every filter predicts it from zeros.
 */
function readPng(file: string): PngHeader {
  const bytes = fs.readFileSync(file);
  expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe(true);
  expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
  const header = { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), bitDepth: bytes[24], colorType: bytes[25] };
  const idat: Buffer[] = [];
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    if (bytes.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const firstRow = inflateSync(Buffer.concat(idat)).subarray(0, 5); // filter byte + R, G, B, A
  const cornerAlpha = header.bitDepth === 8 && header.colorType === 6 ? (firstRow[4] ?? null) : null;
  return { width: header.width, height: header.height, colorType: header.colorType ?? -1, cornerAlpha };
}

describe('electron-builder.yml', () => {
  it("is valid against electron-builder's own JSON schema", () => {
    const { ok, errors } = validate(config);
    expect(errors).toBe('No errors');
    expect(ok).toBe(true);
  });

  it('the schema check bites: an unknown key or a wrong type is rejected', () => {
    expect(validate({ ...config, asarUnpak: ['**/*.node'] }).ok).toBe(false);
    expect(validate({ ...config, electronFuses: { runAsNode: 'no' } }).ok).toBe(false);
  });

  it('names the app, its folders and the release targets', () => {
    expect(config).toMatchObject({
      appId: 'org.sysndd.admin',
      productName: 'SysNDD Admin',
      directories: { output: 'dist', buildResources: 'resources' },
      linux: { target: ['AppImage', 'deb'], maintainer: expect.stringMatching(/<.+@.+>/) },
      win: { target: ['nsis'] },
      mac: { target: ['dmg'] },
    });
    expect((config.deb as { depends: string[] }).depends).toContain('libsecret-1-0');
  });

  it('its buildResources folder exists and holds the app icon: a transparent RGBA icon.png of at least 512×512', () => {
    // electron-builder derives the .ico (Windows) and .icns (macOS) from this PNG and refuses a smaller one.
    const folder = path.join(root, (config.directories as { buildResources: string }).buildResources);
    expect(fs.statSync(folder).isDirectory()).toBe(true);
    const icon = readPng(path.join(folder, 'icon.png'));
    expect(icon.width).toBeGreaterThanOrEqual(512);
    expect(icon.height).toBe(icon.width);
    expect(icon.colorType).toBe(6);
    expect(icon.cornerAlpha).toBe(0);
  });

  it('sets the release fuses (no run-as-node, no inspector, asar integrity, cookies encrypted)', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('ships migrations/ as an extra resource and unpacks native modules from the asar', () => {
    expect(config.extraResources).toEqual([{ from: 'migrations', to: 'migrations', filter: ['**/*'] }]);
    expect(fs.existsSync(path.join(root, 'migrations'))).toBe(true);
    expect(config.asarUnpack).toContain('**/*.node');
    expect(config.npmRebuild).toBe(true);
  });

  it('packages the bundles scripts/build.mjs writes (tests/integration/build.test.ts builds them) and starts from main', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string };
    const files = config.files as string[];
    expect(pkg.main).toBe('out/main/electron.cjs');
    expect(files).toEqual(expect.arrayContaining(['out/main/**', 'out/preload/**', 'out/renderer/**', 'package.json']));
    expect(files).toEqual(expect.arrayContaining(['!**/*.map', '!src/**']));
  });
});
