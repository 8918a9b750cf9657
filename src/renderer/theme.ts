import { createTheme } from '@mantine/core';
import type { Environment } from '../shared/contract/index';

export const theme = createTheme({
  primaryColor: 'indigo',
  defaultRadius: 'sm',
  // People who ask their OS for less motion get no drawer/modal animations (also keeps e2e screenshots stable).
  respectReducedMotion: true,
  fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
});

/**
 * Environment colours used everywhere a profile appears. Production is red and never subtle; staging
 * orange; development stays neutral so the warning colours keep their meaning.
 */
export const ENVIRONMENT_STYLE: Record<Environment, { color: string; background: string; label: string }> = {
  production: { color: 'red', background: 'var(--mantine-color-red-8)', label: 'PRODUCTION' },
  staging: { color: 'orange', background: 'var(--mantine-color-orange-7)', label: 'STAGING' },
  development: { color: 'gray', background: 'var(--mantine-color-gray-2)', label: 'development' },
};
