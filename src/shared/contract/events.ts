import { z } from 'zod';
import { JobLogLine, JobSnapshot } from './jobs';

export const ConnectionState = z.enum(['disconnected', 'connecting', 'connected', 'reconnecting', 'failed']);
export type ConnectionState = z.infer<typeof ConnectionState>;

export const MailWatchState = z.enum(['connecting', 'connected', 'reconnecting', 'failed']);
export type MailWatchState = z.infer<typeof MailWatchState>;

/** Everything the main process pushes to its doors. Data only: no functions, no class instances. */
export const AppEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('job.updated'), job: JobSnapshot }),
  z.object({ type: z.literal('job.log'), line: JobLogLine }),
  z.object({
    type: z.literal('connection.state'),
    profileId: z.string(),
    state: ConnectionState,
    detail: z.string().nullable(),
  }),
  z.object({ type: z.literal('mail.captured'), source: z.string(), messageId: z.string() }),
  // The real state of a watched source's Mailpit websocket (the viewer's "live" badge), and changes made
  // elsewhere (another viewer, Mailpit's own UI) so open lists can reload.
  z.object({ type: z.literal('mail.watch'), source: z.string(), state: MailWatchState, detail: z.string().nullable() }),
  z.object({ type: z.literal('mail.changed'), source: z.string(), change: z.enum(['delete', 'update', 'truncate', 'prune']) }),
  z.object({ type: z.literal('profiles.changed') }),
  // A local sandbox server started (ready for connections) or stopped, so its panels reload their status.
  z.object({ type: z.literal('sandbox.changed'), engine: z.enum(['mariadb', 'mysql']), running: z.boolean() }),
]);
export type AppEvent = z.infer<typeof AppEvent>;
