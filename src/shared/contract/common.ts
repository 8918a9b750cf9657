import { z } from 'zod';

export const Empty = z.object({}).strict();
export const Void = z.null();
export const Id = z.string().min(1).max(200);
export const IsoDate = z.string().describe('ISO-8601 timestamp');

/** Which database an operation targets: a saved profile by id. The CLI registers `--url` targets as
 * transient profiles, so services only ever see profile ids. */
export const ProfileRef = z.object({ profileId: Id }).strict();
export type ProfileRef = z.infer<typeof ProfileRef>;
