import type { ClientChannel } from 'ssh2';

/**
 * Why: OpenSSH's sshd turns on TCP_NODELAY only for sessions with a pty or X11, never for a connection that
 * only forwards ports. So when a reply spans more than one SSH packet (any result over ~32 KB: ssh2 asks for
 * 32 KiB packets), sshd's Nagle holds the last, short packet back until we ACK the first one, and our kernel,
 * seeing a request/response connection, delays that ACK by 40 ms (Linux's delayed-ACK minimum). A 60-row
 * query took ~45 ms through the tunnel instead of ~0.5 ms. Node cannot set TCP_QUICKACK, but any packet we
 * send carries the ACK at once, so after each burst of channel data we send the smallest message sshd
 * accepts without side effects: a window adjust of 0 bytes (RFC 4254 §5.2; it changes no window on either side).
 * At most one per event-loop turn per channel, so a bulk transfer sends one per read, not one per packet.
 */

/** The parts of ssh2's channel internals the nudge needs (ssh2 1.x); absent → no nudge, nothing breaks. */
interface ChannelInternals {
  outgoing?: { id?: number; state?: string };
  _client?: { _protocol?: { channelWindowAdjust?: (id: number, amount: number) => void } };
  push: ClientChannel['push'];
}

/** Wraps the channel's `push` (where ssh2 hands over received data) so each burst is ACKed at once. */
export function ackChannelData(channel: ClientChannel): boolean {
  const internals = channel as unknown as ChannelInternals;
  const protocol = internals._client?._protocol;
  if (typeof protocol?.channelWindowAdjust !== 'function' || typeof internals.outgoing?.id !== 'number') return false;
  const outgoing = internals.outgoing;
  let scheduled = false;
  const nudge = () => {
    scheduled = false;
    if (outgoing.state === 'open' && typeof outgoing.id === 'number') protocol.channelWindowAdjust?.(outgoing.id, 0);
  };
  // Bound to the instance by ssh2's callers (`channel.push(data)`), so a per-instance override is seen.
  const push = internals.push.bind(channel);
  internals.push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (chunk !== null && !scheduled) {
      scheduled = true;
      setImmediate(nudge);
    }
    return push(chunk, encoding);
  };
  return true;
}
