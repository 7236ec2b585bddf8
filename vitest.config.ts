import { configDefaults, defineConfig } from 'vitest/config';
import { postgresForTests } from './packages/server/test/support/pg-cluster.js';

/** Tests that need PostgreSQL and run only in the `postgres` project. */
const POSTGRES_ONLY = [
  'packages/server/src/store/postgres.test.ts',
  'packages/server/test/multi-instance/*.test.ts',
];

/**
 * Server integration suites that run twice: on SQLite (default project) and on
 * PostgreSQL (`LATCHKEY_TEST_STORE=postgres` makes `startTestServer` use a
 * fresh database). `cli.test.ts` drives `latchkey dev`, which is SQLite by design.
 */
const INTEGRATION = ['packages/server/test/**/*.test.ts'];
const NOT_INTEGRATION = ['packages/server/test/support/**', 'packages/server/test/cli.test.ts'];

const postgres = postgresForTests();
// The config is loaded more than once per run: warn once.
if (postgres.kind === 'missing' && !process.env.CI && !process.env.LATCHKEY_PG_WARNED) {
  process.env.LATCHKEY_PG_WARNED = '1';
  console.warn(
    `\n⚠ Skipping the PostgreSQL tests (store conformance, integration suites, two-instance races): ${postgres.reason}.\n`,
  );
}

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: 'test-results/vitest.json' },
    projects: [
      {
        extends: true,
        test: {
          name: 'default',
          include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'e2e/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...POSTGRES_ONLY],
        },
      },
      // In CI a missing PostgreSQL fails the run (in the global setup) instead of skipping.
      ...(postgres.kind !== 'missing' || process.env.CI
        ? [
            {
              extends: true as const,
              test: {
                name: 'postgres',
                include: [...POSTGRES_ONLY, ...INTEGRATION],
                exclude: [...configDefaults.exclude, ...NOT_INTEGRATION],
                globalSetup: ['packages/server/test/support/pg-global-setup.ts'],
                env: { LATCHKEY_TEST_STORE: 'postgres' },
              },
            },
          ]
        : []),
    ],
  },
});
