import { useEffect, useState } from 'react';
import { api } from '../../api';

/**
 * How many times the profile's connection has become `connected` since mount (from `connection.state`
 * events, which the main process sends only on a change): first connect, a reconnect after a dropped SSH
 * tunnel or a failed direct connection, or a new link after the profile's connections were closed. Use
 * it as a reload key for things that may have changed while disconnected.
 */
export function useConnectCount(profileId: string): number {
  const [count, setCount] = useState(0);
  useEffect(
    () =>
      api.subscribe((e) => {
        if (e.type === 'connection.state' && e.profileId === profileId && e.state === 'connected') setCount((n) => n + 1);
      }),
    [profileId],
  );
  return count;
}
