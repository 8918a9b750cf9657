import type { HostKeyCheck } from '../../../shared/contract/connections';
import type { DoorHooks } from '../../app/DoorHooks';
import { dispatch } from '../../core/dispatch';
import type { CliContext } from './CliContext';
import { promptYesNo } from './prompt';

/** The flag to pass next time, in the words every first-contact message of the CLI uses. */
export function acceptHostKeyAdvice(fingerprint: string): string {
  return `Check the fingerprint with the server admin, then run again with --accept-host-key ${fingerprint}`;
}

/**
 * On a terminal: show the host and fingerprint OpenSSH-style and ask; on yes pin the key through
 * `connections.trustHostKey` (audited like a trust from the UI). False when declined or there is no terminal.
 */
export async function askToTrustHostKey(cli: CliContext, key: HostKeyCheck): Promise<boolean> {
  if (cli.json) return false;
  const where = key.port === 22 ? key.host : `[${key.host}]:${key.port}`;
  cli.stderr.write(
    `\nThe authenticity of host ${where} can't be established.\n${key.keyType} key fingerprint is ${key.fingerprint}.\n`,
  );
  const yes = await promptYesNo('Trust this host key and continue?');
  if (!yes) return false;
  const app = await cli.app();
  const r = await dispatch(
    app.handlers,
    'connections.trustHostKey',
    { host: key.host, port: key.port, keyType: key.keyType, fingerprint: key.fingerprint },
    cli.ctx,
  );
  if (!r.ok) cli.stderr.write(`error [${r.code}]: ${r.message}\n`);
  return r.ok;
}

/**
 * Every command that connects through SSH (backup, migrate, restore, preflight …) meets first contact in
 * the tunnel, not in `connect test`: on a terminal ask there with the same prompt; off a terminal the
 * HOST_KEY_UNKNOWN error names the fingerprint and the flag to pass.
 */
export function cliHostKeyHooks(cli: CliContext): Pick<DoorHooks, 'hostKeyPrompt' | 'unknownHostKeyAdvice'> {
  // A few commands (backup download, prune/delete --remote, mail …) only take --profile, so the advice also
  // names the pin command, which works for all of them.
  const unknownHostKeyAdvice = (check: HostKeyCheck): string =>
    `${acceptHostKeyAdvice(check.fingerprint)} (or pin it once: sysndd-admin connect known-hosts trust ${check.host} ${check.fingerprint} --port ${check.port} --key-type ${check.keyType}).`;
  if (!process.stdin.isTTY || !process.stderr.isTTY || cli.json) return { unknownHostKeyAdvice };
  return { unknownHostKeyAdvice, hostKeyPrompt: (check) => askToTrustHostKey(cli, check) };
}
