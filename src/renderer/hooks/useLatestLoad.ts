import { useCallback, useRef, useState } from 'react';

export interface LatestLoad<T> {
  data: T | undefined;
  /** The last failure (an `ApiError` carries `.code`); cleared by the next successful load. */
  error: Error | null;
  loading: boolean;
  /**
   * Follows a new request; an answer to an older one that arrives later is dropped, so fast switching
   * never shows stale data. `onSettled` runs once this request, still the newest, has ended either way.
   */
  start(request: Promise<T>, onSettled?: () => void): void;
  /** Nothing to load (no arguments yet): not loading, whatever was shown stays. */
  idle(): void;
  /** Forget the value and the failure (another subject is about to load). */
  clear(): void;
}

/** The value, failure and loading flag of something loaded again and again, where only the newest request counts. */
export function useLatestLoad<T>(initiallyLoading: boolean): LatestLoad<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(initiallyLoading);
  const latest = useRef(0);

  const start = useCallback((request: Promise<T>, onSettled?: () => void) => {
    const ticket = ++latest.current;
    setLoading(true);
    request
      .then((value) => {
        if (ticket !== latest.current) return;
        setData(value);
        setError(null);
      })
      .catch((err: unknown) => {
        if (ticket !== latest.current) return;
        setError(err instanceof Error ? err : new Error(String(err)));
      })
      .finally(() => {
        if (ticket !== latest.current) return;
        onSettled?.();
        setLoading(false);
      });
  }, []);
  const idle = useCallback(() => setLoading(false), []);
  const clear = useCallback(() => {
    setData(undefined);
    setError(null);
  }, []);

  return { data, error, loading, start, idle, clear };
}
