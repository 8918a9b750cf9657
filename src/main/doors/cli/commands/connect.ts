import type { Command } from 'commander';
import type { ConnectionTestReport, HostKeyCheck } from '../../../../shared/contract/connections';
import type { CliContext } from '../CliContext';
import { CliExit } from '../CliContext';
import { EXIT, exitCodeFor } from '../exitCodes';
import { acceptHostKeyAdvice, askToTrustHostKey } from '../hostKeyPrompt';
import { addDbTargetOptions, type DbTargetOptions } from '../target';
import { renderKnownHosts, renderTestReport } from './connectRender';

function unknownKey(r: ConnectionTestReport): HostKeyCheck | null {
  return r.failure?.code === 'HOST_KEY_UNKNOWN' ? (r.hostKeys.find((k) => k.status === 'unknown') ?? null) : null;
}

/**
 * Run the staged test; on first contact with a host key ask on a terminal (trust, then test again — a jump
 * host and its target may each ask once), or with --accept-host-key trust only that exact fingerprint.
 */
async function testWithHostKeyFlow(
  cli: CliContext,
  profileId: string,
  accept: string | undefined,
): Promise<ConnectionTestReport> {
  let report = await cli.call('connections.test', { profileId, acceptHostKey: accept });
  for (let round = 0; round < 3; round++) {
    const key = unknownKey(report);
    if (!key || cli.json) return report;
    if (!(await askToTrustHostKey(cli, key))) return report;
    report = await cli.call('connections.test', { profileId });
  }
  return report;
}

/** `sysndd-admin connect …`: the staged connection test and SSH host keys. */
export function registerConnectCommands(program: Command, cli: CliContext): void {
  const connect = program.command('connect').description('test connections and manage trusted SSH host keys');

  addDbTargetOptions(
    connect
      .command('test')
      .description(
        'staged test: SSH TCP, handshake + host key, auth, forward, MySQL handshake/TLS, auth, SELECT 1, version, grants, database, pending migrations',
      ),
  ).action(async (o: DbTargetOptions) => {
    const profileId = await cli.resolveTarget(o);
    const report = await testWithHostKeyFlow(cli, profileId, o.acceptHostKey);
    cli.output(report, renderTestReport);
    if (report.ok) return;
    const key = unknownKey(report);
    if (key && !cli.json) {
      const offered =
        o.acceptHostKey && o.acceptHostKey !== key.fingerprint
          ? ` (the server presents ${key.fingerprint}, not ${o.acceptHostKey})`
          : '';
      cli.stderr.write(`\nFirst contact with ${key.host}:${key.port}${offered}. ${acceptHostKeyAdvice(key.fingerprint)}\n`);
    }
    throw new CliExit(report.failure ? exitCodeFor(report.failure.code) : EXIT.FAILED);
  });

  const hosts = connect
    .command('known-hosts')
    .description('SSH host keys pinned by the app (~/.ssh/known_hosts is also read, never written)');
  hosts
    .command('list')
    .description('pinned host keys and the OpenSSH files that are honoured')
    .action(async () => {
      const v = await cli.call('connections.knownHosts.list', {});
      cli.output(v, renderKnownHosts);
    });
  hosts
    .command('forget <host>')
    .description("forget the app's pinned keys for a host (after a confirmed key change)")
    .option('--port <port>', 'SSH port', '22')
    .action(async (host: string, o: { port: string }) => {
      const r = await cli.call('connections.knownHosts.forget', { host, port: Number(o.port) });
      cli.output(r, (v) =>
        v.removed ? `Forgot ${v.removed} key(s) of ${host}:${o.port}.` : `No key of ${host}:${o.port} was pinned.`,
      );
    });
  hosts
    .command('trust <host> <fingerprint>')
    .description('pin a host key you verified out of band (SHA256:… as ssh-keygen -lf prints it)')
    .option('--port <port>', 'SSH port', '22')
    .option('--key-type <type>', 'key type', 'ssh-ed25519')
    .action(async (host: string, fingerprint: string, o: { port: string; keyType: string }) => {
      const r = await cli.call('connections.trustHostKey', { host, port: Number(o.port), keyType: o.keyType, fingerprint });
      cli.output(r, (v) => `Pinned ${v.keyType} ${v.fingerprint} for ${v.host}:${v.port}.`);
    });

  connect
    .command('state')
    .description('tunnel state and pool figures of a profile in this process')
    .requiredOption('--profile <name>', 'profile name or id')
    .action(async (o: { profile: string }) => {
      const profileId = await cli.resolveTarget({ profile: o.profile });
      const state = await cli.call('connections.state', { profileId });
      const pool = await cli.call('connections.poolStats', { profileId });
      cli.output(
        { state, pool },
        (v) =>
          `${v.state.state} (${v.state.via})${v.state.detail ? `: ${v.state.detail}` : ''}\npool: ${v.pool.total} total, ${v.pool.active} active, ${v.pool.idle} idle, ${v.pool.queued} queued (max ${v.pool.max})`,
      );
    });
}
