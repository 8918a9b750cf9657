#!/usr/bin/env node
// npm's `pretest`: the suites use real MariaDB, OpenSSH, OpenSSL and Chromium binaries. When all are present
// this only stats a few files (well under a second). When some are missing it installs their Debian
// packages as root, or prints the exact apt-get command and fails otherwise.
// SYSNDD_SKIP_PRETEST=1 skips the check (for machines that provide the tools some other way).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
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

process.exitCode = main();
