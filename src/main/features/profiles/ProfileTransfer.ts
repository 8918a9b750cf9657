import { ProfileExportDocument as ExportSchema, type ProfileExportDocument } from '../../../shared/contract/connections';
import { type Profile, profileNameKey, profileNameProblem } from '../../../shared/contract/profiles';
import { AppError } from '../../core/AppError';
import type { ProfileService } from './ProfileService';

/**
 * Profiles as a JSON document to share settings between machines or colleagues. Secrets never leave:
 * the document lists only the *names* of secrets the original had, so the importer knows what to enter.
 */
export function exportProfiles(service: ProfileService, ids?: string[]): ProfileExportDocument {
  const all = ids ? ids.map((id) => service.get(id)) : service.list().filter((p) => !p.transient);
  return {
    format: 'sysndd-admin.profiles',
    version: 1,
    exportedAt: new Date().toISOString(),
    profiles: all.map(({ id: _id, transient: _t, secrets, createdAt: _c, updatedAt: _u, ...body }) => ({
      ...body,
      secretsNeeded: secrets,
    })),
  };
}

export type ConflictPolicy = 'skip' | 'rename' | 'fail';

/**
 * Validate the whole document and settle every name before creating anything, so a bad file or a
 * name clash under `fail` leaves the profile list untouched.
 */
export async function importProfiles(
  service: ProfileService,
  raw: unknown,
  onConflict: ConflictPolicy,
): Promise<{ created: Profile[]; skipped: Array<{ name: string; reason: string }> }> {
  const doc = parseDocument(raw);
  const taken = new Set(service.list().map((p) => profileNameKey(p.name)));
  const plan: Array<{ body: (typeof doc.profiles)[number]; name: string }> = [];
  const skipped: Array<{ name: string; reason: string }> = [];
  for (const body of doc.profiles) {
    let name = body.name;
    const problem = profileNameProblem(name);
    if (problem)
      throw new AppError('PROFILE_NAME_INVALID', `${problem}: ${JSON.stringify(name.slice(0, 100))}; nothing was imported.`);
    if (taken.has(profileNameKey(name))) {
      if (onConflict === 'fail')
        throw new AppError('CONFLICT', `A profile named "${name}" already exists; nothing was imported. Use skip or rename.`);
      if (onConflict === 'skip') {
        skipped.push({ name, reason: 'A profile with this name exists.' });
        continue;
      }
      name = freeName(name, taken);
    }
    taken.add(profileNameKey(name));
    plan.push({ body, name });
  }
  const created: Profile[] = [];
  for (const { body, name } of plan) {
    const { secretsNeeded: _s, ...input } = body;
    created.push(await service.create({ ...input, name }));
  }
  return { created, skipped };
}

function parseDocument(raw: unknown): ProfileExportDocument {
  if (typeof raw === 'string') {
    try {
      raw = JSON.parse(raw);
    } catch (err) {
      throw new AppError('INVALID_ARGUMENT', `The profile file is not valid JSON: ${(err as Error).message}`);
    }
  }
  const head = raw as { format?: unknown; version?: unknown } | null;
  if (!head || typeof head !== 'object' || head.format !== 'sysndd-admin.profiles') {
    throw new AppError('INVALID_ARGUMENT', 'This is not a SysNDD Admin profile export (format must be "sysndd-admin.profiles").');
  }
  if (head.version !== 1)
    throw new AppError(
      'INVALID_ARGUMENT',
      `Unsupported profile export version ${String(head.version)}; this build reads version 1.`,
    );
  const parsed = ExportSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`);
    throw new AppError('INVALID_ARGUMENT', `The profile export is invalid: ${issues.join('; ')}`, {
      issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
    });
  }
  return parsed.data;
}

function freeName(name: string, taken: Set<string>): string {
  for (let i = 2; ; i++) {
    const candidate = `${name} (${i})`.slice(0, 100);
    if (!taken.has(profileNameKey(candidate))) return candidate;
  }
}
