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
