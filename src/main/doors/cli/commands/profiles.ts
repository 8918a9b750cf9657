import fs from 'node:fs';
import type { Command } from 'commander';
import { SECRET_ENV } from '../../../features/connections/secretSources';
import type { CliContext } from '../CliContext';
import { CliExit } from '../CliContext';
import { EXIT } from '../exitCodes';
import { promptYesNo } from '../prompt';
import { renderProfile, renderProfileRow } from './connectRender';
import { addProfileFlags, type ProfileFlags, profileInputFromFlags, secretsFromEnvAndPrompt } from './profileFlags';

async function resolveId(cli: CliContext, nameOrId: string): Promise<string> {
  const app = await cli.app();
  try {
    return app.profiles.resolve(nameOrId).id;
  } catch {
    return cli.fail({ ok: false, code: 'NOT_FOUND', message: `No profile named or with id "${nameOrId}".` });
  }
}

async function readInput(file: string): Promise<string> {
  if (file !== '-') {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`Cannot read ${file}: ${(err as Error).message}`);
    }
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `sysndd-admin profile …`: saved connection profiles. Secrets come from env vars or prompts, never argv. */
export function registerProfileCommands(program: Command, cli: CliContext): void {
  const profile = program
    .command('profile')
    .description('saved connection profiles (MySQL, SSH, backups, migrations, SMTP, Mailpit); secrets via env or prompt');
  registerProfileReads(profile, cli);
  registerProfileWrites(profile, cli);
  registerProfileTransfer(profile, cli);
  registerSshConfigImport(profile, cli);
}

/** `profile list`, `profile show`: what is saved (names of secrets, never their values). */
function registerProfileReads(profile: Command, cli: CliContext): void {
  profile
    .command('list')
    .description('all saved profiles')
    .action(async () => {
      const list = (await cli.call('profiles.list', {})).filter((p) => !p.transient);
      cli.outputList(list, renderProfileRow, 'No profiles yet: sysndd-admin profile add NAME --mysql-user USER');
    });
  profile
    .command('show <name>')
    .description('one profile with every setting (names of saved secrets, never their values)')
    .action(async (name: string) => {
      const p = await cli.call('profiles.get', { id: await resolveId(cli, name) });
      const store = (await cli.call('system.info', {})).secretBackend;
      // Without an OS keyring every CLI run starts with an empty store: name what supplies each secret.
      const supply = store.persistent ? [] : p.secrets.map((s) => `${SECRET_ENV[s]} or the prompt`);
      cli.output(p, (v) =>
        supply.length
          ? `${renderProfile(v)}\n  note:      secrets are not kept between runs here (${store.name} store); each run takes ${supply.join(', ')}`
          : renderProfile(v),
      );
    });
}

/** `profile add`, `edit`, `duplicate`, `remove`. */
function registerProfileWrites(profile: Command, cli: CliContext): void {
  addProfileFlags(
    profile
      .command('add <name>')
      .description(
        'create a profile; MYSQL_PWD, SSH_PASSWORD, SSH_PASSPHRASE, JUMP_*, SMTP_PASSWORD or a prompt give the secrets',
      ),
  ).action(async (name: string, f: ProfileFlags) => {
    const input = profileInputFromFlags(name, f);
    const secrets = await secretsFromEnvAndPrompt(input, f, [], true);
    const clean = Object.fromEntries(Object.entries(secrets).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
    const created = await cli.call('profiles.create', { profile: input, secrets: clean });
    cli.output(created, (p) => `Created profile "${p.name}".\n${renderProfile(p)}`);
  });
  addProfileFlags(
    profile
      .command('edit <name>')
      .description('change a profile: only the given flags change; --remove-ssh/-jump/-smtp/-mailpit drop a section')
      .option('--rename <newName>', 'new name')
      .option('--remove-ssh', 'connect directly, without SSH')
      .option('--remove-jump', 'no jump host')
      .option('--remove-smtp', 'no SMTP settings')
      .option('--remove-mailpit', 'no Mailpit settings'),
  ).action(async (name: string, f: ProfileFlags & { rename?: string }) => {
    const id = await resolveId(cli, name);
    const current = await cli.call('profiles.get', { id });
    const input = profileInputFromFlags(f.rename ?? current.name, f, current);
    const secrets = await secretsFromEnvAndPrompt(input, f, current.secrets, false);
    const updated = await cli.call('profiles.update', { id, profile: input, secrets });
    const changed = Object.keys(secrets);
    cli.output(
      updated,
      (p) =>
        `Updated profile "${p.name}"${changed.length ? ` (secrets changed: ${changed.join(', ')})` : ''}.\n${renderProfile(p)}`,
    );
  });
  profile
    .command('duplicate <name> <newName>')
    .description('copy a profile under a new name, with its saved secrets and environment')
    .action(async (name: string, newName: string) => {
      const p = await cli.call('profiles.duplicate', { id: await resolveId(cli, name), name: newName });
      cli.output(p, (v) => `Created "${v.name}" (${v.environment}) as a copy of "${name}".`);
    });
  profile
    .command('remove <name>')
    .description('delete a profile and its saved secrets (asks on a terminal; --yes to skip)')
    .option('--yes', 'do not ask')
    .action(async (name: string, o: { yes?: boolean }) => {
      const id = await resolveId(cli, name);
      if (!o.yes) {
        const answer = cli.json ? null : await promptYesNo(`Delete profile "${name}" and its saved secrets?`);
        if (answer === null) {
          cli.fail(
            { ok: false, code: 'CONFIRMATION_REQUIRED', message: `Removing "${name}" needs confirmation: pass --yes.` },
            EXIT.REFUSED,
          );
        }
        if (!answer) throw new CliExit(EXIT.REFUSED);
      }
      await cli.call('profiles.remove', { id });
      cli.output({ removed: name }, () => `Removed profile "${name}".`);
    });
}

/** `profile export`, `profile import`: profiles carried as a file. */
function registerProfileTransfer(profile: Command, cli: CliContext): void {
  profile
    .command('export [names...]')
    .description('write profiles as JSON without secrets (all when no names are given)')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (names: string[], o: { output?: string }) => {
      const ids = names.length ? await Promise.all(names.map((n) => resolveId(cli, n))) : undefined;
      const doc = await cli.call('profiles.export', { ids });
      const text = `${JSON.stringify(doc, null, 2)}\n`;
      if (o.output) {
        fs.writeFileSync(o.output, text, { mode: 0o600 });
        cli.output(
          { file: o.output, profiles: doc.profiles.length },
          (v) => `Exported ${v.profiles} profile(s) to ${v.file} (no secrets).`,
        );
      } else cli.stdout.write(text);
    });
  profile
    .command('import <file>')
    .description("create profiles from an export ('-' reads stdin); nothing is created when the file is invalid")
    .option('--on-conflict <policy>', 'fail | skip | rename when a name exists', 'fail')
    .action(async (file: string, o: { onConflict: string }) => {
      let text: string;
      try {
        text = await readInput(file);
      } catch (err) {
        return cli.fail({ ok: false, code: 'NOT_FOUND', message: (err as Error).message });
      }
      const r = await cli.call('profiles.import', { document: text, onConflict: o.onConflict as 'fail' | 'skip' | 'rename' });
      cli.output(r, (v) =>
        [
          `Imported ${v.created.length} profile(s)${v.created.length ? `: ${v.created.map((p) => p.name).join(', ')}` : ''}.`,
          ...v.skipped.map((s) => `  skipped "${s.name}": ${s.reason}`),
          v.created.some((p) => p.ssh || p.mysql)
            ? 'Secrets are not part of an export: add them with `profile edit NAME --ask-password`.'
            : '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
    });
}

/** `profile import-ssh-config`: hosts of an OpenSSH config become profiles. */
function registerSshConfigImport(profile: Command, cli: CliContext): void {
  profile
    .command('import-ssh-config')
    .description('list host aliases of ~/.ssh/config, or create profiles from them with --apply')
    .option('--path <file>', 'SSH config file (default ~/.ssh/config)')
    .option('--alias <alias...>', 'only these aliases')
    .option('--mysql-user <user>', 'MySQL user for the new profiles (needed with --apply)')
    .option('--mysql-host <host>', 'MySQL host as seen from the SSH host', '127.0.0.1')
    .option('--mysql-port <port>', 'MySQL port', '3306')
    .option('--database <name>', 'default database')
    .option('--env <environment>', 'development | staging | production', 'development')
    .option('--apply', 'create the profiles (default: only show what would be imported)')
    .action(
      async (o: {
        path?: string;
        alias?: string[];
        mysqlUser?: string;
        mysqlHost: string;
        mysqlPort: string;
        database?: string;
        env: string;
        apply?: boolean;
      }) => {
        const r = await cli.call('connections.importSshConfig', {
          path: o.path,
          apply: Boolean(o.apply),
          aliases: o.alias,
          environment: o.env as 'development' | 'staging' | 'production',
          mysql: o.mysqlUser
            ? { host: o.mysqlHost, port: Number(o.mysqlPort), user: o.mysqlUser, database: o.database }
            : undefined,
        });
        cli.output(r, (v) =>
          [
            `${v.path}:`,
            ...v.hosts.map(
              (h) =>
                `  ${h.status.padEnd(8)} ${h.alias.padEnd(20)} ${h.user ? `${h.user}@` : ''}${h.hostName}:${h.port}${h.proxyJump ? ` via ${h.proxyJump.host}` : ''}${h.note ? `  (${h.note})` : ''}`,
            ),
            o.apply ? `Created ${v.created.length} profile(s).` : 'Nothing created: add --apply --mysql-user USER to import.',
          ].join('\n'),
        );
      },
    );
}
