/**
 * Persistence layer. The conformance suite (`conformance.ts`) is deliberately
 * not exported here: it imports vitest.
 */
export { KyselyStore, type KyselyStoreOptions } from './kysely-store.js';
export { migrateToLatest, type SqlDialect } from './migrations.js';
export {
  createPostgresStore,
  DatabaseUnavailableError,
  describePostgresUrl,
  isPostgresUrl,
  PostgresStore,
  type PostgresStoreOptions,
} from './postgres.js';
export type { Database } from './schema.js';
export { createSqliteStore, type SqliteStoreOptions } from './sqlite.js';
