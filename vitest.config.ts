import { defineConfig } from 'vitest/config';

/** Integration files that also run against MySQL (project integration-mysql). */
const MYSQL_INTEGRATION_FILES = [
  'tests/integration/fixtures.test.ts',
  'tests/integration/connections/**/*.test.ts',
  'tests/integration/migrations/**/*.test.ts',
  'tests/integration/backups/**/*.test.ts',
  'tests/integration/restore/**/*.test.ts',
  'tests/integration/health/readiness.test.ts',
  'tests/integration/mysql/**/*.test.ts',
];

/**
 * Not on MySQL: the hostile-dump corpus is built with mariadb-dump on a private MariaDB (harness.ts); the
 * memory bombs measure this process's peak memory while parsing, which no server setting changes.
 */
const MYSQL_EXCLUDED_FILES = ['tests/integration/restore/hostile*.test.ts', 'tests/integration/restore/memoryBombs.test.ts'];

// Three suites (integration twice: MariaDB and MySQL), one runner. Integration and e2e talk to real MariaDB, OpenSSH, SMTP and Chromium started by
// tests/fixtures; they run files one at a time per worker and share one MariaDB server via globalSetup.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.{ts,tsx}'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/fixtures/globalSetup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
          fileParallelism: true,
        },
      },
      {
        // The same integration files against Oracle MySQL (see docs/testing.md "MySQL"): connections,
        // migrations, backups, restore and readiness. Files about MariaDB-only behaviour, or about
        // components other than the database server, run on MariaDB only.
        test: {
          name: 'integration-mysql',
          include: MYSQL_INTEGRATION_FILES,
          exclude: MYSQL_EXCLUDED_FILES,
          environment: 'node',
          globalSetup: ['tests/fixtures/globalSetup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
          fileParallelism: true,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/fixtures/globalSetup.ts'],
          testTimeout: 180_000,
          hookTimeout: 120_000,
          maxWorkers: 1,
          fileParallelism: false,
        },
      },
    ],
  },
});
