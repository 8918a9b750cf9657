import { z } from 'zod';

export const Empty = z.object({}).strict();
export const Void = z.null();
export const Id = z.string().min(1).max(200);
export const IsoDate = z.string().describe('ISO-8601 timestamp');

/** Which database an operation targets: a saved profile by id. The CLI registers `--url` targets as
 * transient profiles, so services only ever see profile ids. */
export const ProfileRef = z.object({ profileId: Id }).strict();
export type ProfileRef = z.infer<typeof ProfileRef>;

/** The `confirm` argument of a guarded operation: what the person typed (a word or the database name), or
 * `true` where a plain yes is enough. `core/dispatch` checks it against the operation's rule. */
export const ConfirmValue = z
  .union([z.boolean(), z.string().max(200)])
  .optional()
  .describe('what the confirmation rule asks for: RESTORE, DELETE, the database name, or true');

/** The profile a report is about: its id, and its name when the report was made. */
export const ReportedProfile = { profileId: Id, profileName: z.string() };

/** One record addressed by its id (a job, a profile, a restore). */
export const ById = z.object({ id: Id }).strict();

/** A failure as a record keeps it: the stable error code and the message. */
export const ErrorInfo = z.object({ code: z.string(), message: z.string() });
export type ErrorInfo = z.infer<typeof ErrorInfo>;

/** A host name or address a person types (SSH, MySQL, SMTP). */
export const HostName = z.string().min(1).max(255);
/** A TCP port a person types. */
export const Port = z.number().int().min(1).max(65535);
/** A file or folder path given to the main process; the service that opens it checks it again. */
export const FilePath = z.string().min(1).max(4096);

/** The `limit` argument of a listing: at most `max` items, `fallback` when not given. */
export function listLimit(max: number, fallback: number) {
  return z.number().int().min(1).max(max).default(fallback);
}
