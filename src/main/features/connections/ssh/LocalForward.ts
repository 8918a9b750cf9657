import net from 'node:net';
import type { Duplex } from 'node:stream';

/** A loopback listener that forwards each accepted socket through a fresh SSH channel. */
export interface LocalForward {
  host: '127.0.0.1';
  port: number;
  close(): Promise<void>;
}

/**
 * Only for external tools (mysqldump, mysql) that need a host and port: our own MySQL connections run
 * straight over `forwardOut` channels. Binds 127.0.0.1 on port 0 and reads the port the OS assigned, so
 * there is no port guessing and nothing listens beyond this machine.
 */
export function startLocalForward(openChannel: () => Promise<Duplex>, onError: (err: unknown) => void): Promise<LocalForward> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    // Replies come off the SSH channel in ≤ 32 KiB pieces; with Nagle each short piece after the first would
    // wait for the client's delayed ACK (40 ms per multi-packet reply). OpenSSH's own -L does the same.
    sock.setNoDelay(true);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    sock.pause();
    openChannel().then(
      (channel) => {
        if (sock.destroyed) return channel.destroy();
        channel.on('error', () => sock.destroy());
        channel.on('close', () => sock.destroy());
        sock.on('close', () => channel.destroy());
        sock.pipe(channel).pipe(sock);
        sock.resume();
      },
      (err) => {
        onError(err);
        sock.destroy();
      },
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address() as net.AddressInfo;
      resolve({
        host: '127.0.0.1',
        port: addr.port,
        close: () =>
          new Promise<void>((done) => {
            for (const s of sockets) s.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
