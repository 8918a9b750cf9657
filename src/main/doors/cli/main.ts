import { runCli } from './program';
import { GracefulShutdown, graceFromEnv } from './shutdown';

// SIGINT/SIGTERM/SIGHUP cancel running jobs and close cleanly instead of killing the process mid-job.
const shutdown = new GracefulShutdown({ stderr: process.stderr, graceMs: graceFromEnv() }).install();

// `serve` keeps running after its action resolves; every other command ends here with its exit code.
runCli(process.argv.slice(2), undefined, shutdown).then((code) => {
  process.exitCode = shutdown.exitCode ?? code;
});
