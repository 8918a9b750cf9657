import fs from 'node:fs';
import type { BackupDecryption, BackupEncryption } from '../../../../shared/contract/backups';
import { AppError } from '../../../core/AppError';
import type { KnownSecrets } from '../../../platform/logging/secretScrub';
import { type ByteSource, openLocalSource } from '../format/byteSource';
import type { AgeKeys, AgeRecipients } from './ageHeader';
import { isAgeHead } from './ageHeader';
import { parseIdentityFile, parseRecipient } from './ageKeys';
import { openAgeSource } from './ageSource';

/** Contract encryption options → age recipients; the passphrase is registered for log scrubbing. */
export function recipientsOf(e: BackupEncryption | undefined, known: KnownSecrets): AgeRecipients | null {
  if (!e) return null;
  if (e.passphrase !== undefined) {
    known.add(e.passphrase);
    return { passphrase: e.passphrase };
  }
  return { x25519: (e.recipients ?? []).map(parseRecipient) };
}

/** Contract decryption options → age keys (the identity file is read here, in the main process). */
export function keysOf(d: BackupDecryption | undefined, known: KnownSecrets): AgeKeys {
  if (!d) return {};
  const keys: AgeKeys = {};
  if (d.passphrase !== undefined) {
    known.add(d.passphrase);
    keys.passphrase = d.passphrase;
  }
  if (d.identityFile) {
    let text: string;
    try {
      text = fs.readFileSync(d.identityFile, 'utf8');
    } catch (err) {
      throw new AppError('NOT_FOUND', `Cannot read the identity file ${d.identityFile}: ${(err as Error).message}`);
    }
    for (const line of text.split('\n')) if (line.startsWith('AGE-SECRET-KEY-')) known.add(line.trim());
    keys.identities = parseIdentityFile(text);
  }
  return keys;
}

export async function isAgeSource(src: ByteSource): Promise<boolean> {
  return isAgeHead(await src.read(0, Math.min(src.size, 32)));
}

/** `src` itself, or its decrypted view when it is an age file (BACKUP_KEY_REQUIRED / BACKUP_DECRYPT_FAILED). */
export async function decryptedIfAge(src: ByteSource, keys: AgeKeys): Promise<{ src: ByteSource; encrypted: boolean }> {
  if (!(await isAgeSource(src))) return { src, encrypted: false };
  return { src: await openAgeSource(src, keys), encrypted: true };
}

/** Does the local file start with the age v1 magic line? */
export async function isAgeFile(file: string): Promise<boolean> {
  const h = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(32);
    const { bytesRead } = await h.read(buf, 0, 32, 0);
    return isAgeHead(buf.subarray(0, bytesRead));
  } finally {
    await h.close();
  }
}

/** A local backup file, decrypted when it is an age file. */
export async function openBackupSource(file: string, keys: AgeKeys): Promise<ByteSource> {
  const raw = await openLocalSource(file);
  try {
    return (await decryptedIfAge(raw, keys)).src;
  } catch (err) {
    await raw.close().catch(() => undefined);
    throw err;
  }
}
