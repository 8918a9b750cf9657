import { useCallback, useEffect, useState } from 'react';
import type { ArgsIn, OperationName, ResultOf } from '../../shared/contract/index';
import { call } from '../api';
import { useLatestLoad } from './useLatestLoad';

export interface CallState<T> {
  data: T | undefined;
  /** The last failure (an `ApiError` carries `.code`); cleared by the next successful load. */
  error: Error | null;
  loading: boolean;
  /** Run the call again (after a mutation, or from a "Retry" button). */
  reload(): void;
}

/**
 * Loads one operation's result for a page and reloads when the arguments change (compared as JSON).
 * Pass `null` as args to skip the call (e.g. until a profile is selected). Answers that arrive after a
 * newer request started are ignored, so fast switching never shows stale data.
 */
export function useCall<K extends OperationName>(name: K, args: ArgsIn<K> | null): CallState<ResultOf<K>> {
  const { data, error, loading, start, idle } = useLatestLoad<ResultOf<K>>(args !== null);
  const [generation, setGeneration] = useState(0);
  const key = args === null ? null : JSON.stringify(args);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `args` (compared by value).
  useEffect(() => {
    if (key === null) idle();
    else start(call(name, JSON.parse(key) as ArgsIn<K>));
  }, [name, key, generation]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, loading, reload };
}
