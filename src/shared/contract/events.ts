import { z } from 'zod';
import { JobLogLine, JobSnapshot } from './jobs';

export const ConnectionState = z.enum(['disconnected', 'connecting', 'connected', 'reconnecting', 'failed']);
export type ConnectionState = z.infer<typeof ConnectionState>;

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
  z.object({ type: z.literal('profiles.changed') }),
]);
export type AppEvent = z.infer<typeof AppEvent>;
