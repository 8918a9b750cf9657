import { z } from 'zod';
import { Empty, IsoDate } from './common';
import { op } from './define';

export const AuditResult = z.enum(['started', 'succeeded', 'failed', 'refused']);
export type AuditResult = z.infer<typeof AuditResult>;

export const AuditEntry = z.object({
  id: z.number().int(),
  at: IsoDate,
  actor: z.string(),
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
    limit: z.number().int().min(1).max(100_000).default(500),
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
