import type { PreflightCheck } from '../../../../shared/contract/restore';
import { readManifestDetailed } from '../../backups/format/BackupFileReader';
import { openLocalSource, withSource } from '../../backups/format/byteSource';
import type { RestoreServiceDeps } from '../RestoreServiceDeps';
import type { SourceInventory } from '../sources/inventory';

/**
 * Who sealed the file (issue: sealed backups). A seal proves origin, which the manifest's hashes cannot:
 * an unsealed file or one sealed by a key this installation does not trust is shown before the restore
 * (warn) and in its result; a signature that does not match the manifest means the file was changed after
 * it was sealed (fail). Foreign dumps carry no seal.
 */
export async function sealCheck(
  app: Pick<RestoreServiceDeps, 'backups'>,
  inv: SourceInventory,
): Promise<Omit<PreflightCheck, 'id'>> {
  if (inv.format !== 'sysndd-admin')
    return {
      status: 'warn',
      message: 'A foreign dump carries no seal: its origin cannot be proven. Restore files whose origin you know.',
    };
  const seal = await withSource(openLocalSource(inv.path), async (src) => (await readManifestDetailed(src)).seal).catch(
    () => null,
  );
  const state = await app.backups.seal.stateOf(seal);
  if (state.state === 'sealed') return { status: 'ok', message: state.summary };
  if (state.state === 'invalid') return { status: 'fail', message: `${state.summary} The file was changed after it was sealed.` };
  return {
    status: 'warn',
    message: `${state.summary} Its origin cannot be proven; restore it only if you know where it came from.`,
  };
}
