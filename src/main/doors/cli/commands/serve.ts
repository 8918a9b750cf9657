import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { App } from '../../../app/App';
import { toFailure } from '../../../core/AppError';
import { rendererDir } from '../../../platform/paths';
import { openHeadlessSecretStore } from '../../../platform/secrets/KeyringSecretStore';
import { type RunningWebServer, startWebServer } from '../../web/WebServer';
import type { CliContext } from '../CliContext';
import { closeApp } from '../shutdown';

interface ServeOptions {
  port: string;
  open?: boolean;
  rendererDir?: string;
}

/** Opens the URL in the desktop's browser; failure is only reported (the URL is printed anyway). */
function openInBrowser(url: string, stderr: NodeJS.WritableStream): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => stderr.write(`Could not open a browser (${command}); open the address above yourself.\n`));
    child.unref();
  } catch {
    stderr.write('Could not open a browser; open the address above yourself.\n');
  }
}

export function registerServeCommands(program: Command, cli: CliContext): void {
  program
    .command('serve')
    .description('run the console in your browser: serves the UI on 127.0.0.1 with a one-time access token')
    .option('--port <n>', 'port to listen on (0 = any free port)', '0')
    .option('--open', 'open the address in the default browser')
    .option('--renderer-dir <dir>', 'serve this renderer build instead of out/renderer')
    .addHelpText(
      'after',
      '\nOnly 127.0.0.1 is used. Open the printed address: the #token=… part is the credential; it stays in the\n' +
        'browser tab and is never sent in a URL to the server. Ctrl+C (or SIGTERM) cancels running jobs and stops.',
    )
    .action(async (o: ServeOptions) => {
      const port = Number(o.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        cli.fail({
          ok: false,
          code: 'INVALID_ARGUMENT',
          message: `--port must be a whole number from 0 to 65535, got "${o.port}".`,
        });
      }
      const secrets = await openHeadlessSecretStore(process.env.SYSNDD_ADMIN_SECRETS === 'memory');
      const app = new App({ door: 'browser', secrets });
      // A signal cancels this App's jobs (bounded wait for their cleanup) and closes it, like the CLI's own.
      cli.shutdown?.watch(app);
      let server: RunningWebServer;
      try {
        server = await startWebServer({ app, port, rendererDir: o.rendererDir ?? rendererDir() });
      } catch (err) {
        await closeApp(app);
        return cli.fail(toFailure(err));
      }
      if (cli.json) cli.stdout.write(`${JSON.stringify({ type: 'listening', url: server.url, port: server.port })}\n`);
      else {
        cli.stdout.write(`SysNDD Admin is running in browser mode.\nOpen: ${server.url}\n`);
        if (secrets.warning) cli.stderr.write(`Note: ${secrets.warning}\n`);
        cli.stderr.write('Press Ctrl+C to stop.\n');
      }
      if (o.open) openInBrowser(server.url, cli.stderr);
      if (!cli.shutdown) return;
      // Serving until stopped is the job: SIGINT/SIGTERM end it with exit 0 (a second one quits at once).
      cli.shutdown.endsOnSignal();
      await cli.shutdown.requested;
      // The shutdown handler is cancelling the jobs meanwhile; waiting for them here, while browsers are
      // still connected, lets them see the jobs end as "cancelled". Then stop serving, then close the App
      // (tunnels, pools, store).
      await app.jobs.cancelAll(cli.shutdown.graceMs);
      await server.close();
      await closeApp(app);
      if (cli.json) cli.stdout.write(`${JSON.stringify({ type: 'stopped' })}\n`);
      else cli.stderr.write('Stopped.\n');
    });
}
