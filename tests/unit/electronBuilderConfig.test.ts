import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
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
