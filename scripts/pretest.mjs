#!/usr/bin/env node
// npm's `pretest`: the suites use real MariaDB, MySQL, OpenSSH, OpenSSL and Chromium binaries. When all are
// present this only stats a few files (well under a second). When some are missing it installs their Debian
// packages as root, or prints the exact apt-get command and fails otherwise. MySQL is not in Debian 12:
// it comes from a Debian sid root built once with debootstrap into a cache folder (see ensureMySqlRoot).
// SYSNDD_SKIP_PRETEST=1 skips the check (for machines that provide the tools some other way).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** tool → the Debian package that provides it (absolute paths are checked as they are). */
const TOOLS = [
  ['mariadbd', 'mariadb-server'],
  ['mariadb-install-db', 'mariadb-server'],
  ['mariadb', 'mariadb-client'],
  ['mariadb-dump', 'mariadb-client'],
  ['sshd', 'openssh-server'],
  ['ssh-keygen', 'openssh-client'],
  ['ssh-agent', 'openssh-client'],
  ['ssh-add', 'openssh-client'],
  ['openssl', 'openssl'],
  ['age', 'age'],
  ['age-keygen', 'age'],
  ['script', 'bsdutils'],
  ['/usr/bin/chromium', 'chromium'],
];

// sbin is often not in a non-root PATH, and that is where mariadbd and sshd live.
const SEARCH_DIRS = [...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean), '/usr/sbin', '/usr/local/sbin', '/sbin'];

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function found(tool) {
  if (tool.startsWith('/')) return isExecutable(tool);
  return SEARCH_DIRS.some((dir) => isExecutable(path.join(dir, tool)));
}

function missingTools() {
  return TOOLS.filter(([tool]) => !found(tool));
}

function packagesFor(missing) {
  return [...new Set(missing.map(([, pkg]) => pkg))];
}

function installCommand(packages) {
  return `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

function run(command, args) {
  console.log(`pretest: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.error) throw result.error;
  return result.status === 0;
}

function main() {
  if (process.env.SYSNDD_SKIP_PRETEST === '1') return 0;
  const tools = ensureSystemTools();
  if (tools !== 0) return tools;
  return ensureMySqlRoot();
}

function ensureSystemTools() {
  const missing = missingTools();
  if (missing.length === 0) return 0;

  const packages = packagesFor(missing);
  const names = missing.map(([tool]) => path.basename(tool)).join(', ');
  const isRoot = process.getuid?.() === 0;
  const hasApt = isExecutable('/usr/bin/apt-get');
  if (!isRoot || !hasApt) {
    console.error(`pretest: the test suites need system tools that are missing: ${names}.`);
    if (hasApt) console.error(`Install them (as root) with:\n\n  sudo ${installCommand(packages).replace('&& ', '&& sudo ')}\n`);
    else console.error(`Install the equivalents of these Debian packages: ${packages.join(' ')}\n`);
    return 1;
  }

  console.log(`pretest: installing ${packages.join(' ')} (missing: ${names})`);
  const installed = run('apt-get', ['update']) && run('apt-get', ['install', '-y', '--no-install-recommends', ...packages]);
  const stillMissing = missingTools();
  if (!installed || stillMissing.length > 0) {
    const left = stillMissing.map(([tool]) => path.basename(tool)).join(', ') || names;
    console.error(`pretest: installing failed; still missing: ${left}.\nTry by hand: ${installCommand(packages)}`);
    return 1;
  }
  console.log('pretest: all system tools are installed.');
  return 0;
}

// ---- MySQL: a debootstrapped Debian sid root (Oracle MySQL 8/9 as Debian packages it) ----------------------
// Kept in step with src/main/features/sandbox/mysqlBinaries.ts (defaultMySqlRoot, mySqlBinariesFromRoot).

const MYSQL_PACKAGES = 'mysql-server-core,mysql-client-core,mysql-client';
const MYSQL_MIRROR = process.env.SYSNDD_MYSQL_MIRROR || 'http://deb.debian.org/debian';

function mysqlRootDir() {
  if (process.env.SYSNDD_ADMIN_MYSQL_ROOT) return path.resolve(process.env.SYSNDD_ADMIN_MYSQL_ROOT);
  const system = '/var/cache/sysndd-admin/mysql-root';
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  // Root builds the system-wide one; anyone may use it once it exists (it is world-readable).
  if (process.getuid?.() === 0 || isExecutable(path.join(system, 'usr/sbin/mysqld'))) return system;
  return path.join(cache, 'sysndd-admin', 'mysql-root');
}

const MYSQL_ROOT_FILES = [
  'usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2',
  'usr/sbin/mysqld',
  'usr/bin/mysql',
  'usr/bin/mysqldump',
];

function mysqlRootComplete(root) {
  return MYSQL_ROOT_FILES.every((file) => isExecutable(path.join(root, file)));
}

function debootstrapCommand(root) {
  return `debootstrap --variant=minbase --include=${MYSQL_PACKAGES} sid ${root} ${MYSQL_MIRROR}`;
}

/**
 * The MySQL fixture's binaries: SYSNDD_ADMIN_MYSQLD_BIN (a mysqld, e.g. an Oracle tarball) or
 * MYSQL_TEST_URL_MYSQL (a running server) make the root unnecessary. Otherwise, as root on a Debian/Ubuntu
 * x86-64 machine, debootstrap builds it (about 1–3 minutes and 650 MB, once; built beside the final
 * folder and renamed, so an interrupted build is redone, never half-used). Elsewhere: what to run.
 */
function ensureMySqlRoot() {
  if (process.env.SYSNDD_ADMIN_MYSQLD_BIN || process.env.MYSQL_TEST_URL_MYSQL) return 0;
  const root = mysqlRootDir();
  if (mysqlRootComplete(root)) return 0;
  const isRoot = process.getuid?.() === 0;
  const hasApt = isExecutable('/usr/bin/apt-get');
  if (!isRoot || !hasApt || process.platform !== 'linux' || process.arch !== 'x64') {
    console.error(
      `pretest: the integration-mysql suite needs Oracle MySQL, and ${root} holds no MySQL root.\n` +
        'On Debian/Ubuntu (x86-64) build it as root with:\n\n' +
        `  sudo apt-get install -y debootstrap && sudo ${debootstrapCommand(root)}\n\n` +
        '(run as root, pretest builds it in /var/cache/sysndd-admin/mysql-root by itself; set SYSNDD_ADMIN_MYSQL_ROOT\n' +
        'for another folder), or point SYSNDD_ADMIN_MYSQLD_BIN at a mysqld (MySQL 8.0.30 or later), or\n' +
        'MYSQL_TEST_URL_MYSQL at a running MySQL server (mysql://root:password@127.0.0.1:3306/).\n',
    );
    return 1;
  }
  if (
    !found('debootstrap') &&
    !(run('apt-get', ['update']) && run('apt-get', ['install', '-y', '--no-install-recommends', 'debootstrap']))
  ) {
    console.error('pretest: installing debootstrap failed; try: apt-get install -y debootstrap');
    return 1;
  }
  const partial = `${root}.partial`;
  fs.mkdirSync(path.dirname(root), { recursive: true });
  fs.rmSync(partial, { recursive: true, force: true });
  console.log(`pretest: building the MySQL root in ${root} (debootstrap of Debian sid, once: about 1–3 minutes, 650 MB)`);
  const started = Date.now();
  const args = ['--variant=minbase', `--include=${MYSQL_PACKAGES}`, 'sid', partial, MYSQL_MIRROR];
  if (!run('debootstrap', args) || !mysqlRootComplete(partial)) {
    console.error(
      `pretest: debootstrap failed (its log: ${partial}/debootstrap/debootstrap.log). Try by hand:\n  ${debootstrapCommand(root)}`,
    );
    return 1;
  }
  fs.rmSync(root, { recursive: true, force: true });
  fs.renameSync(partial, root);
  console.log(`pretest: MySQL root ready in ${Math.round((Date.now() - started) / 1000)} s.`);
  return 0;
}

process.exitCode = main();
