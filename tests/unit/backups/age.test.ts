import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import { generateIdentity, parseIdentityFile, parseRecipient } from '../../../src/main/features/backups/age/ageKeys';
import { createAgeDecryptStream, createAgeEncryptStream } from '../../../src/main/features/backups/age/ageSource';
import { registerBackupKeys } from '../../../src/main/features/backups/age/keyRegistry';
import { openLocalSource } from '../../../src/main/features/backups/format/byteSource';

/** Interop with Debian's `age` (1.1): our files open with it, its files open with us, both ways, keys and passphrase. */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'age-interop-'));

async function encryptTo(plain: Buffer, file: string, to: Parameters<typeof createAgeEncryptStream>[0]): Promise<void> {
  const enc = await createAgeEncryptStream(to);
  await pipeline(Readable.from([plain.subarray(0, 1000), plain.subarray(1000)]), enc, fs.createWriteStream(file));
}

async function decryptFile(file: string, keys: Parameters<typeof createAgeDecryptStream>[0]): Promise<Buffer> {
  const parts: Buffer[] = [];
  await pipeline(
    fs.createReadStream(file, { highWaterMark: 7000 }),
    createAgeDecryptStream(keys),
    async (src: AsyncIterable<Buffer>) => {
      for await (const c of src) parts.push(c);
    },
  );
  return Buffer.concat(parts);
}

function age(args: string[], input?: Buffer, env: NodeJS.ProcessEnv = {}): { code: number | null; out: Buffer; err: string } {
  const r = spawnSync('age', args, { input, env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr.toString() };
}

describe('age v1 on node:crypto, against Debian age', () => {
  // Sizes around the 64 KiB chunk boundary, including an exact multiple and empty.
  const sizes = [0, 1, 65536, 65537, 3 * 65536, 300_001];

  it.each(sizes)('X25519: ours → age -d, and age -r → ours (%i bytes)', async (n) => {
    const plain = randomBytes(n);
    const id = generateIdentity();
    const idFile = path.join(tmp, `id-${n}.txt`);
    fs.writeFileSync(idFile, id.text, { mode: 0o600 });
    const ours = path.join(tmp, `ours-${n}.age`);
    await encryptTo(plain, ours, { x25519: [parseRecipient(id.recipient)] });
    const d = age(['-d', '-i', idFile, ours]);
    expect(d.err).toBe('');
    expect(d.out.equals(plain)).toBe(true);

    const theirs = path.join(tmp, `theirs-${n}.age`);
    expect(age(['-r', id.recipient, '-o', theirs], plain).code).toBe(0);
    expect((await decryptFile(theirs, { identities: parseIdentityFile(id.text) })).equals(plain)).toBe(true);
    // Random access over the decrypted view.
    const release = registerBackupKeys(theirs, { identities: parseIdentityFile(id.text) });
    const src = await openLocalSource(theirs);
    try {
      expect(src.size).toBe(n);
      if (n > 70_000) expect((await src.read(65_000, 5_000)).equals(plain.subarray(65_000, 70_000))).toBe(true);
    } finally {
      await src.close();
      release();
    }
  });

  it('an age-keygen identity opens our file; a second recipient works too', async () => {
    const keyFile = path.join(tmp, 'keygen.txt');
    expect(spawnSync('age-keygen', ['-o', keyFile]).status).toBe(0);
    const recipient = spawnSync('age-keygen', ['-y', keyFile]).stdout.toString().trim();
    const other = generateIdentity();
    const plain = randomBytes(100_000);
    const file = path.join(tmp, 'two.age');
    await encryptTo(plain, file, { x25519: [parseRecipient(other.recipient), parseRecipient(recipient)] });
    expect(age(['-d', '-i', keyFile, file]).out.equals(plain)).toBe(true);
    expect((await decryptFile(file, { identities: parseIdentityFile(fs.readFileSync(keyFile, 'utf8')) })).equals(plain)).toBe(
      true,
    );
  });

  it('passphrase (scrypt): ours → age -d, age -p → ours; wrong passphrase / key are named errors', async () => {
    const plain = randomBytes(150_000);
    const file = path.join(tmp, 'pass.age');
    await encryptTo(plain, file, { passphrase: 'correct horse battery' });
    // age reads a passphrase from the terminal only; `script` gives it one.
    const out = path.join(tmp, 'pass.out');
    const r = spawnSync('script', ['-qec', `age -d -o ${out} ${file}`, '/dev/null'], {
      input: 'correct horse battery\n',
    });
    expect(r.status, r.stdout?.toString()).toBe(0);
    expect(fs.readFileSync(out).equals(plain)).toBe(true);
    expect((await decryptFile(file, { passphrase: 'correct horse battery' })).equals(plain)).toBe(true);
    await expect(decryptFile(file, { passphrase: 'wrong' })).rejects.toMatchObject({ code: 'BACKUP_DECRYPT_FAILED' });
    await expect(decryptFile(file, {})).rejects.toMatchObject({ code: 'BACKUP_KEY_REQUIRED' });

    const theirs = path.join(tmp, 'theirs-pass.age');
    const p = spawnSync('script', ['-qec', `age -p -o ${theirs} ${file}`, '/dev/null'], {
      input: 'pw-from-age\npw-from-age\n',
    });
    expect(p.status, p.stdout?.toString()).toBe(0);
    expect((await decryptFile(theirs, { passphrase: 'pw-from-age' })).equals(fs.readFileSync(file))).toBe(true);

    const id = generateIdentity();
    const keyed = path.join(tmp, 'keyed.age');
    await encryptTo(plain, keyed, { x25519: [parseRecipient(id.recipient)] });
    await expect(decryptFile(keyed, { identities: parseIdentityFile(generateIdentity().text) })).rejects.toMatchObject({
      code: 'BACKUP_DECRYPT_FAILED',
    });
    // Five scrypt derivations at age's work factor (2^18, ~1 s each on an idle core): more on a loaded machine.
  }, 90_000);

  it('a cut-short or altered file is refused', async () => {
    const id = generateIdentity();
    const plain = randomBytes(200_000);
    const file = path.join(tmp, 'cut.age');
    await encryptTo(plain, file, { x25519: [parseRecipient(id.recipient)] });
    const bytes = fs.readFileSync(file);
    const keys = { identities: parseIdentityFile(id.text) };
    const cut = path.join(tmp, 'cut2.age');
    fs.writeFileSync(cut, bytes.subarray(0, bytes.length - 200_000 + 2 * 65552 - 100_000));
    await expect(decryptFile(cut, keys)).rejects.toHaveProperty('code');
    const flipped = Buffer.from(bytes);
    flipped.writeUInt8((flipped.at(-50) ?? 0) ^ 1, flipped.length - 50);
    fs.writeFileSync(cut, flipped);
    await expect(decryptFile(cut, keys)).rejects.toMatchObject({ code: 'BACKUP_CORRUPT' });
  });
});
