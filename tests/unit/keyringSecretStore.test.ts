import { afterEach, describe, expect, it } from 'vitest';
import { KeyringSecretStore, openHeadlessSecretStore } from '../../src/main/platform/secrets/KeyringSecretStore';
import { MemorySecretStore } from '../../src/main/platform/secrets/SecretStore';

const savedBus = process.env.DBUS_SESSION_BUS_ADDRESS;
afterEach(() => {
  if (savedBus === undefined) delete process.env.DBUS_SESSION_BUS_ADDRESS;
  else process.env.DBUS_SESSION_BUS_ADDRESS = savedBus;
});

describe('KeyringSecretStore (CLI and browser mode)', () => {
  it.runIf(process.platform === 'linux')(
    'falls back to memory with a warning naming the reason when no Secret Service answers',
    async () => {
      // A real absence, not a fake: the session bus address points at a socket that does not exist.
      process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/sysndd-admin-test-bus';
      const probe = await KeyringSecretStore.probe();
      expect(probe.ok).toBe(false);
      expect(!probe.ok && probe.reason).toMatch(/dbus|secret|platform/i);

      const store = await openHeadlessSecretStore();
      expect(store).toBeInstanceOf(MemorySecretStore);
      expect(store.persistent).toBe(false);
      expect(store.warning).toContain('Passwords are not saved');
      expect(store.warning).toContain(!probe.ok ? probe.reason : 'unreachable');
      // Still usable for this run: the CLI keeps what was typed until it exits.
      await store.set('profile:p:mysql.password', 'typed-once');
      expect(await store.get('profile:p:mysql.password')).toBe('typed-once');
    },
  );

  it.runIf(process.platform === 'linux')(
    'never settles for the kernel keyutils keyring, which would lose passwords at reboot while claiming to keep them',
    async () => {
      process.env.DBUS_SESSION_BUS_ADDRESS = 'unix:path=/nonexistent/sysndd-admin-test-bus';
      const store = await openHeadlessSecretStore();
      expect(store.name).not.toBe('os-keyring');
    },
  );

  it('uses the OS keyring when this machine has one, else says why not (whatever this machine offers)', async () => {
    const probe = await KeyringSecretStore.probe();
    if (probe.ok) {
      const key = `test:${process.pid}:${Date.now()}`;
      await probe.store.set(key, 'round-trip');
      expect(await probe.store.get(key)).toBe('round-trip');
      await probe.store.delete(key);
      expect(await probe.store.get(key)).toBeNull();
    } else {
      expect(probe.reason.length).toBeGreaterThan(0);
      expect((await openHeadlessSecretStore()).warning).toContain(probe.reason);
    }
  });

  it('SYSNDD_ADMIN_SECRETS=memory chooses memory on purpose and says so', async () => {
    const store = await openHeadlessSecretStore(true);
    expect(store).toBeInstanceOf(MemorySecretStore);
    expect(store.warning).toContain('SYSNDD_ADMIN_SECRETS=memory');
  });
});
