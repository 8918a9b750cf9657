import { z } from 'zod';
import { Empty } from './common';
import { op } from './define';

/** What a guarded call must carry in `confirm`, resolved for its target (null: nothing). */
export const ConfirmationRequirement = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('word'), word: z.string() }),
    z.object({ kind: z.literal('database'), database: z.string(), reason: z.string() }),
    z.object({ kind: z.literal('yes') }),
  ])
  .nullable();
export type ConfirmationRequirement = z.infer<typeof ConfirmationRequirement>;

export const SafetyCheck = z.object({
  operation: z.string(),
  risk: z.enum(['read', 'write', 'destructive']),
  /** Whether calling it writes an audit row. */
  audited: z.boolean(),
  required: ConfirmationRequirement,
  /** What to tell the person, e.g. `Type sysndd_db (the database name) to confirm.`; null when nothing is needed. */
  message: z.string().nullable(),
  /** What the call would do, in words (e.g. which files a migration runs); null when not known. */
  explanation: z.string().nullable(),
});
export type SafetyCheck = z.infer<typeof SafetyCheck>;

export const ActorSettings = z.object({
  /** Shown in the audit log after the OS account, e.g. "jdoe@laptop (Jane Doe)". */
  displayName: z.string().nullable(),
  osUser: z.string(),
  host: z.string(),
  /** Exactly what the audit log records as actor. */
  actor: z.string(),
});
export type ActorSettings = z.infer<typeof ActorSettings>;

export const safetyOperations = {
  'safety.check': op(
    'What a guarded operation would need typed for these arguments (asks nothing of the database; never audited)',
    z.object({ operation: z.string().min(1).max(100), args: z.record(z.string(), z.unknown()) }).strict(),
    SafetyCheck,
  ),
  'settings.actor': op('Who the audit log names for calls from this machine', Empty, ActorSettings),
  'settings.setDisplayName': op(
    'Set (or clear with null) the display name the audit log shows next to the OS account',
    z.object({ displayName: z.string().trim().min(1).max(100).nullable() }).strict(),
    ActorSettings,
    { risk: 'write' },
  ),
} as const;
