/** Replaced at bundle time by scripts/build.mjs; read from package.json when running from source. */
declare const __APP_VERSION__: string | undefined;

export const APP_VERSION: string =
  typeof __APP_VERSION__ === 'string' ? __APP_VERSION__ : (process.env.npm_package_version ?? '0.1.0');
export const TOOL_NAME = 'sysndd-admin';
