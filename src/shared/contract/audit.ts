import { z } from 'zod';
import { Empty, IsoDate, listLimit } from './common';
import { op } from './define';

/**
 * One row per action, updated in place: `requested` → `refused` (confirmation missing or wrong, or a check
 * before any write failed), or `started` → `succeeded` | `failed` | `cancelled` (jobs: when the job ends).
 */
export const AuditResult = z.enum(['requested', 'started', 'succeeded', 'failed', 'refused', 'cancelled']);
export type AuditResult = z.infer<typeof AuditResult>;

export const AuditEntry = z.object({
  id: z.number().int(),
  at: IsoDate,
  /** When the row last changed (its outcome); equal to `at` for rows written once. */
  updatedAt: IsoDate,
  /** `Display name (os-user@host)`, or `os-user@host` without a display name. */
  actor: z.string(),
  /** Which door the call came through: electron, browser, cli, test; null for actions of the app itself. */
  door: z.string().nullable(),
  action: z.string(),
  profileId: z.string().nullable(),
  target: z.string().nullable(),
  result: AuditResult,
  details: z.unknown(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

const AuditFilter = z
  .object({
    action: z.string().max(100).optional(),
    profileId: z.string().max(200).optional(),
    result: AuditResult.optional(),
    limit: listLimit(100_000, 500),
  })
  .strict();

export const auditOperations = {
  'audit.list': op('Audit log of destructive actions, newest first', AuditFilter, z.array(AuditEntry)),
  'audit.actions': op('The action names the audit log holds (for filters)', Empty, z.array(z.string())),
  'audit.export': op(
    'The audit log as CSV or JSON text (for archiving or a ticket)',
    AuditFilter.extend({ format: z.enum(['csv', 'json']) }).strict(),
    z.object({ format: z.enum(['csv', 'json']), filename: z.string(), content: z.string() }),
  ),
} as const;
