import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** A loopback port nothing listens on (bound, then released): connecting to it is refused at once. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP server that accepts connections and never says a word: a hung MySQL host. */
export async function silentServer(): Promise<{ port: number; stop(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A plain mariadb-dump style file (what SysNDD's nightly cron leaves), complete, with its modification
 * time set `ageHours` back: the catalog dates foreign dumps by mtime.
 */
export function writeForeignDump(dir: string, name: string, database: string, ageHours: number): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(
    file,
    [
      '-- MariaDB dump 10.19  Distrib 10.11.6-MariaDB, for debian-linux-gnu (x86_64)',
      '--',
      `-- Host: localhost    Database: ${database}`,
      '-- ------------------------------------------------------',
      '-- Server version\t10.11.6-MariaDB-0+deb12u1',
      '',
      'CREATE TABLE `gene` (',
      '  `id` int(11) NOT NULL',
      ') ENGINE=InnoDB;',
      'INSERT INTO `gene` VALUES (1);',
      '',
      '-- Dump completed on 2026-01-01  3:00:00',
      '',
    ].join('\n'),
  );
  const when = new Date(Date.now() - ageHours * 3_600_000);
  fs.utimesSync(file, when, when);
  return file;
}
