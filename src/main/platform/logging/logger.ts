import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { JobSnapshot } from '../../../shared/contract/jobs';
import type { EventBus } from '../../core/EventBus';
import { RotatingFileDestination, type RotatingFileOptions } from './RotatingFileDestination';
import { KnownSecrets } from './secretScrub';

export type { Logger } from 'pino';

/** Property names whose values never reach the log file, at any of the first few nesting levels. */
export const REDACTED_KEYS = [
  'password',
  'passphrase',
  'secret',
  'secrets',
  'token',
  'authorization',
  'Authorization',
  'cookie',
  'apiKey',
  'privateKey',
] as const;
const REDACT_DEPTH = 4;
export const REDACTED = '[redacted]';

/** pino paths for each key at depth 0..REDACT_DEPTH ("password", "*.password", "*.*.password", …). */
export function redactPaths(): string[] {
  const paths: string[] = [];
  for (let depth = 0; depth <= REDACT_DEPTH; depth++) {
    for (const key of REDACTED_KEYS) paths.push(`${'*.'.repeat(depth)}${key}`);
  }
  return paths;
}

export function logFile(home: string): string {
  return path.join(home, 'logs', 'sysndd-admin.log');
}

export interface LoggerOptions extends RotatingFileOptions {
  level?: pino.LevelWithSilent;
  /** Fields on every line (the door, so lines from the CLI and the app can be told apart). */
  base?: Record<string, unknown>;
  /** Secret values to scrub from every line; URL passwords are scrubbed with or without it. */
  knownSecrets?: KnownSecrets;
}

/**
 * pino (JSON lines) into `file`, size-capped and rotated. Two layers: keys that carry secrets are redacted
 * by name (pino redact), and each finished line is scrubbed of URL passwords and known secret values on
 * its way to the file — that second layer sees the message, every field and error texts alike, so a
 * secret inside a string cannot slip past a key-name rule.
 */
export function createFileLogger(file: string, options: LoggerOptions = {}): Logger {
  const rotating = new RotatingFileDestination(file, options);
  const known = options.knownSecrets ?? new KnownSecrets();
  const destination = { write: (line: string) => rotating.write(known.scrub(line)) };
  return pino(
    {
      level: options.level ?? (process.env.SYSNDD_ADMIN_LOG_LEVEL as pino.LevelWithSilent | undefined) ?? 'info',
      base: { pid: process.pid, ...options.base },
      redact: { paths: redactPaths(), censor: REDACTED },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/** One line per job state change (started, succeeded, failed, cancelled), not per progress tick. */
export function logJobLifecycle(events: EventBus, logger: Logger): () => void {
  const lastState = new Map<string, JobSnapshot['state']>();
  return events.subscribe((event) => {
    if (event.type !== 'job.updated') return;
    const job = event.job;
    if (lastState.get(job.id) === job.state) return;
    const fields = { jobId: job.id, kind: job.kind, profileId: job.profileId, state: job.state };
    switch (job.state) {
      case 'queued':
      case 'running':
        lastState.set(job.id, job.state);
        logger.info({ ...fields, title: job.title }, 'job started');
        return;
      case 'succeeded':
        logger.info({ ...fields, durationMs: durationMs(job) }, 'job succeeded');
        break;
      case 'cancelled':
        logger.info({ ...fields, durationMs: durationMs(job) }, 'job cancelled');
        break;
      case 'failed':
        logger.warn({ ...fields, durationMs: durationMs(job), error: job.error }, 'job failed');
        break;
    }
    lastState.delete(job.id);
  });
}

function durationMs(job: JobSnapshot): number | null {
  if (!job.startedAt || !job.finishedAt) return null;
  return Date.parse(job.finishedAt) - Date.parse(job.startedAt);
}

/** The App's logger: `<home>/logs/sysndd-admin.log`, with job lifecycle lines wired to the event bus. */
export function createAppLogger(home: string, door: string, events: EventBus, knownSecrets?: KnownSecrets): Logger {
  const logger = createFileLogger(logFile(home), { base: { door }, knownSecrets });
  logJobLifecycle(events, logger);
  return logger;
}
