/**
 * PostgreSQL backend: a {@link KyselyStore} over a `pg` connection pool, for
 * many Latchkey instances on one database. Every single-use and budget rule is
 * one conditional write (or a transaction that locks its row first), so it
 * holds across connections and processes at PostgreSQL's default READ COMMITTED.
 */
import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { AuthError } from '../core/errors.js';
import { KyselyStore } from './kysely-store.js';
import { migrateToLatest } from './migrations.js';
import type { Database } from './schema.js';

/** Options of {@link createPostgresStore}. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:5432/database` (libpq parameters such as `sslmode` allowed). */
  url: string;
  /**
   * Connections this instance may open. Keep `instances × poolMax` (plus
   * maintenance connections) below the server's `max_connections`. Default 10.
   */
  poolMax?: number;
  /** How long to wait for a connection (a new one, or a free one from a full pool). Default 5000. */
  connectionTimeoutMs?: number;
  /** An idle connection is closed after this long. Default 30000. */
  idleTimeoutMs?: number;
  /** Server-side `statement_timeout` of every query (0 = the server's setting). Default 15000. Migrations run without it. */
  statementTimeoutMs?: number;
  /** Shown in `pg_stat_activity`. Default `latchkey`. */
  applicationName?: string;
  /**
   * Called when an idle pooled connection fails (for example the server
   * restarted). The pool drops the connection and opens a new one when needed.
   * Default: a one-line message on stderr.
   */
  onIdleError?: (error: Error) => void;
}

/** Kills a transaction left open by a bug before it holds row locks for long. */
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

const INT8_OID = 20;

/**
 * `bigint` columns (epoch-millisecond times, event ids, counts) as numbers.
 * A value outside the safe integer range stays a string, which the row
 * mappers refuse loudly instead of rounding.
 */
function parseInt8(text: string): number | string {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
}

/** Per-pool type parsers: the process-wide `pg.types` registry is left alone. */
const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? parseInt8 : pg.types.getTypeParser(oid, format),
};

/**
 * PostgreSQL `text` cannot hold U+0000 (SQLite's can): a query with such a
 * parameter would fail inside the database with an encoding error, a 500. No
 * stored value can contain it either, so the input is refused up front as an
 * invalid request, before it reaches the server.
 */
function refuseNul(parameters: ReadonlyArray<unknown>): void {
  for (const value of parameters) {
    if (typeof value === 'string' && value.includes('\u0000')) {
      throw new AuthError('invalid_request', 'Text must not contain the NUL character (U+0000).');
    }
  }
}

/** The pool as Kysely sees it, with every query's parameters checked by {@link refuseNul}. */
function guardedPool(pool: pg.Pool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      const query = (sqlText: string, parameters: ReadonlyArray<unknown>) => {
        refuseNul(parameters);
        return client.query(sqlText, [...parameters]);
      };
      return {
        // No cursor option is given to the dialect, so only the (sql, parameters) form is used.
        query: query as unknown as PostgresPoolClient['query'],
        release: (destroy?: boolean) => client.release(destroy),
      };
    },
    end: () => pool.end(),
  };
}

/** True for a `postgres://` or `postgresql://` URL. */
export function isPostgresUrl(url: string | undefined): url is string {
  return url !== undefined && /^postgres(ql)?:\/\//i.test(url);
}

/** The URL's host, port and database, without credentials, for messages and logs. */
export function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}/${database}`;
  } catch {
    return 'the configured PostgreSQL server';
  }
}

/** A store over PostgreSQL; see {@link createPostgresStore}. */
export class PostgresStore extends KyselyStore {
  readonly #url: string;
  readonly #connectionTimeoutMs: number;

  constructor(db: Kysely<Database>, url: string, connectionTimeoutMs: number) {
    super(db, { dialect: 'postgres' });
    this.#url = url;
    this.#connectionTimeoutMs = connectionTimeoutMs;
  }

  /**
   * Applies pending migrations on a dedicated connection without the statement
   * timeout (a migration may rewrite a large table). Kysely's migrator holds a
   * PostgreSQL advisory lock meanwhile, so instances that start together
   * migrate one after the other; the later ones find nothing to do.
   */
  override async migrate(): Promise<void> {
    const pool = new pg.Pool({
      connectionString: this.#url,
      max: 1,
      connectionTimeoutMillis: this.#connectionTimeoutMs,
      application_name: 'latchkey-migrate',
      types: typeParsers,
    });
    pool.on('error', () => {
      // An idle-connection error during the migration surfaces through the query.
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    try {
      await migrateToLatest(db, 'postgres');
    } catch (error) {
      throw connectionError(error, this.#url) ?? error;
    } finally {
      await db.destroy();
    }
  }
}

/** The database server cannot be reached or refuses the connection (wrong host, credentials or database). */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
}

/** Rewrites a failure to reach the server as one clear message naming host, port and database. */
function connectionError(error: unknown, url: string): Error | undefined {
  const root = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (!(root instanceof Error)) return undefined;
  const code = (root as { code?: unknown }).code;
  const unreachable =
    code === 'ECONNREFUSED' ||
    code === 'ENOTFOUND' ||
    code === 'EAI_AGAIN' ||
    code === 'ETIMEDOUT' ||
    code === '28P01' || // invalid_password
    code === '28000' || // invalid_authorization_specification
    code === '3D000' || // invalid_catalog_name (no such database)
    /timeout exceeded when trying to connect|Connection terminated/i.test(root.message);
  if (!unreachable) return undefined;
  return new DatabaseUnavailableError(
    `Cannot use PostgreSQL at ${describePostgresUrl(url)}: ${root.message}`,
    {
      cause: error,
    },
  );
}

/**
 * Creates a store on a PostgreSQL database through a `pg` pool. Nothing
 * connects until the first query; call `migrate()` before use, and `close()`
 * (after the HTTP server has drained) to end the pool.
 *
 * @example
 * ```ts
 * const store = createPostgresStore({ url: 'postgres://latchkey@db:5432/latchkey', poolMax: 10 });
 * await store.migrate();
 * ```
 */
export function createPostgresStore(options: PostgresStoreOptions): PostgresStore {
  const {
    url,
    poolMax = 10,
    connectionTimeoutMs = 5000,
    idleTimeoutMs = 30_000,
    statementTimeoutMs = 15_000,
    applicationName = 'latchkey',
    onIdleError = (error: Error) =>
      console.error(
        `latchkey: PostgreSQL connection to ${describePostgresUrl(url)} failed: ${error.message}`,
      ),
  } = options;
  if (!isPostgresUrl(url)) throw new TypeError('createPostgresStore needs a postgres:// URL');
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    connectionTimeoutMillis: connectionTimeoutMs,
    idleTimeoutMillis: idleTimeoutMs,
    keepAlive: true,
    application_name: applicationName,
    // 0 leaves the server's own setting in place.
    ...(statementTimeoutMs > 0 ? { statement_timeout: statementTimeoutMs } : {}),
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
    types: typeParsers,
  });
  // Without a listener, an error on an idle connection would crash the process.
  pool.on('error', onIdleError);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: guardedPool(pool) }) });
  return new PostgresStore(db, url, connectionTimeoutMs);
}
