import { useEffect, useRef } from 'react';

/** Calls `reload` whenever `key` changes after the first render (the first load is useCall's own). */
export function useReloadOn(key: string | number, reload: () => void): void {
  const last = useRef(key);
  useEffect(() => {
    if (last.current !== key) {
      last.current = key;
      reload();
    }
  }, [key, reload]);
}
