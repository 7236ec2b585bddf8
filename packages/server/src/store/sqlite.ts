/**
 * SQLite backend: a {@link KyselyStore} over better-sqlite3.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { KyselyStore } from './kysely-store.js';
import type { Database } from './schema.js';

/** Options of {@link createSqliteStore}. */
export interface SqliteStoreOptions {
  /** Path of the database file, or `':memory:'` for a private in-memory database. */
  filename: string;
}

function isInMemory(filename: string): boolean {
  return filename === ':memory:' || filename === '';
}

/**
 * Opens (creating if needed) a SQLite database and wraps it in a store. The
 * parent directory is created if missing. Call `migrate()` before use.
 *
 * WAL lets readers run while one process writes; `busy_timeout` makes writers
 * of other processes wait instead of failing at once.
 *
 * @example
 * ```ts
 * const store = createSqliteStore({ filename: '.latchkey/latchkey.db' });
 * await store.migrate();
 * ```
 */
export function createSqliteStore(options: SqliteStoreOptions): KyselyStore {
  const { filename } = options;
  if (!isInMemory(filename)) mkdirSync(dirname(resolve(filename)), { recursive: true });
  const sqlite = new SqliteDatabase(filename, { timeout: 5000 });
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
  } catch (error) {
    sqlite.close();
    throw error;
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return new KyselyStore(db, { dialect: 'sqlite' });
}
