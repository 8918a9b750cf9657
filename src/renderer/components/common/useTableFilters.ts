import { useCallback, useState } from 'react';

/** Each select filter holds one chosen value, or null for any (an interface qualifies, unlike Record<…>). */
export type FilterValues<F> = { [K in keyof F]: string | null };

/** Select filters (null: any) plus the free-text filter, as one list page keeps them. */
export interface TableFilters<F extends FilterValues<F>> {
  filters: F;
  text: string;
  setText(text: string): void;
  setFilter<K extends keyof F>(key: K, value: F[K]): void;
  /** Any select set or any text typed: the empty state then says "no match" rather than "nothing yet". */
  filtered: boolean;
  clear(): void;
}

/** The filter state of a list page (jobs, audit, backups): start from `none`, "Clear filters" returns there. */
export function useTableFilters<F extends FilterValues<F>>(none: F): TableFilters<F> {
  const [filters, setFilters] = useState<F>(none);
  const [text, setText] = useState('');
  const setFilter = useCallback(<K extends keyof F>(key: K, value: F[K]) => setFilters((f) => ({ ...f, [key]: value })), []);
  const clear = useCallback(() => {
    setFilters(none);
    setText('');
  }, [none]);
  const filtered = text !== '' || Object.values(filters).some((v) => v !== null);
  return { filters, text, setText, setFilter, filtered, clear };
}
