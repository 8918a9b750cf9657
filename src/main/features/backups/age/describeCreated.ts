import fs from 'node:fs';
import path from 'node:path';
import type { BackupManifest } from '../../../../shared/contract/backups';
import type { CatalogCache } from '../catalog/CatalogCache';
import { describedByManifest } from '../catalog/describe';
import { localVersionOf } from '../catalog/fileVersion';
import { decodeManifestMember, encodeManifestText } from '../format/manifestCodec';
import type { Sealer } from '../format/seal';

/**
 * The catalog row of a backup this process has just written encrypted. Nobody can read an age file's
 * manifest without its key (describeFile leaves `.age` files `unknown`), but the writer knows it: the
 * manifest member is re-encoded exactly as it was written (JSON and an Ed25519 seal are deterministic), so
 * the row carries the same fingerprint (`manifest:<sha256 of the JSON>`) and seal a reader with the key
 * would find. It is bound to the file's version: a file changed afterwards is described afresh (unknown).
 */
export async function describeCreatedEncrypted(
  cache: CatalogCache,
  profileId: string,
  file: string,
  manifest: BackupManifest,
  sealer: Sealer | null,
): Promise<void> {
  const st = await fs.promises.stat(file, { bigint: true });
  const { text, jsonSha256 } = encodeManifestText(manifest, sealer);
  const { seal } = decodeManifestMember(text, jsonSha256, file);
  cache.putFile({
    profileId,
    location: 'local',
    name: path.basename(file),
    path: file,
    size: Number(st.size),
    mtimeMs: Number(st.mtimeMs),
    version: localVersionOf(st),
    ...describedByManifest(manifest, jsonSha256, seal),
  });
}
