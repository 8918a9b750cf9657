import fs from 'node:fs';
import type { Command } from 'commander';
import type { CliContext } from '../CliContext';

/**
 * `sysndd-admin backup keys`: the seal keys (docs/backups.md, "Sealed backups"). Shows this installation's
 * fingerprint, exports its public key for colleagues, trusts or untrusts theirs, or switches to a team key
 * file. Only public keys and the key file's path are ever printed or saved.
 */
export function registerBackupKeyCommands(backup: Command, cli: CliContext): void {
  const keys = backup
    .command('keys')
    .description(
      "seal keys: this installation's fingerprint, trusted colleagues' keys (subcommands: export, trust, untrust, use-file)",
    )
    .action(async () => {
      cli.output(await cli.call('backups.keys', {}), (k) =>
        [
          `own key:  ${k.own.fingerprint}  ${k.own.name}`,
          `          ${k.own.source === 'key-file' ? `key file ${k.own.keyFile}` : 'kept in the secret store'}${k.own.persistent ? '' : ' (NOT persistent: a new key after a restart)'}`,
          `public:   ${k.own.publicKey}`,
          '',
          k.trusted.length ? 'trusted keys:' : 'no trusted keys (add one with `backup keys trust KEY --name NAME`)',
          ...k.trusted.map((t) => `  ${t.fingerprint}  ${t.name}  (since ${(t.addedAt ?? '').slice(0, 10)})`),
        ].join('\n'),
      );
    });

  keys
    .command('export')
    .description("print this installation's public key (PEM) for a colleague to trust")
    .option('--out <file>', 'write it to a file instead')
    .action(async (o: { out?: string }) => {
      const k = await cli.call('backups.keys', {});
      if (o.out) {
        fs.writeFileSync(o.out, k.own.publicKeyPem, { mode: 0o644 });
        cli.output({ file: o.out, fingerprint: k.own.fingerprint }, (r) => `Wrote ${r.file} (${r.fingerprint})`);
      } else
        cli.output(
          { publicKeyPem: k.own.publicKeyPem, fingerprint: k.own.fingerprint },
          (r) => `${r.publicKeyPem.trimEnd()}\n# ${r.fingerprint}`,
        );
    });

  keys
    .command('trust <key>')
    .description("trust a colleague's public key: a PEM file, or the base64url key `backup keys` prints")
    .requiredOption('--name <name>', 'whose key it is (shown as "sealed by NAME")')
    .option('--fingerprint <fp>', 'refuse unless the key has this fingerprint (compare it over another channel)')
    .action(async (key: string, o: { name: string; fingerprint?: string }) => {
      const text = fs.existsSync(key) ? fs.readFileSync(key, 'utf8') : key;
      const r = await cli.call('backups.keys.trust', { publicKey: text, name: o.name, fingerprint: o.fingerprint });
      cli.output(r, (x) => `Trusted ${x.fingerprint} as "${x.name}".`);
    });

  keys
    .command('untrust <fingerprint>')
    .description('stop trusting a key')
    .action(async (fingerprint: string) => {
      const r = await cli.call('backups.keys.untrust', { fingerprint });
      cli.output(r, (x) => (x.removed ? `No longer trusted: ${fingerprint}` : `Not a trusted key: ${fingerprint}`));
    });

  keys
    .command('use-file [file]')
    .description(
      'seal with a team key file (Ed25519 PKCS#8 PEM, e.g. `openssl genpkey -algorithm ed25519`); no FILE: the own key',
    )
    .action(async (file: string | undefined) => {
      const r = await cli.call('backups.keys.useFile', { path: file ?? null });
      cli.output(r, (x) => `Sealing with ${x.keyFile ?? "this installation's own key"} (${x.fingerprint}).`);
    });
}
