/**
 * SQLite backend: a {@link KyselyStore} over better-sqlite3.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase as SqliteDialectDatabase } from 'kysely';
import { KyselyStore } from './kysely-store.js';
import type { Database } from './schema.js';

/** Options of {@link createSqliteStore}. */
export interface SqliteStoreOptions {
  /** Path of the database file, or `':memory:'` for a private in-memory database. */
  filename: string;
}

/** Distinct SQL texts kept prepared; the store issues a few dozen, so this is never reached in practice. */
const STATEMENT_CACHE_SIZE = 512;

/**
 * Kysely's SQLite driver calls `prepare(sql)` for every query, and compiling the
 * SQL costs about as much as running it (benchmark profile: ~11% of the server's CPU in
 * a passkey sign-in). Statements are reused by SQL text, least recently used out.
 * Safe because every call runs a statement to completion synchronously (`all`/`run`),
 * and the store never streams (`iterate`), which would hold a statement busy.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): SqliteDialectDatabase {
  const cache = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (statement) {
        cache.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
      }
      cache.set(sql, statement);
      return statement;
    },
  };
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
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return new KyselyStore(db, { dialect: 'sqlite' });
}
